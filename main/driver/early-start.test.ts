import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EarlyStarts } from './early-start.js';

/** c started early on a's and b's reported results, its own result in: held until both merged. */
function startedOnBoth(): { early: EarlyStarts; resumed: string[] } {
  const early = new EarlyStarts();
  early.report('a', 'aaa', 'x');
  early.report('b', 'bbb', 'y');
  early.started('c', ['a', 'b']);
  const resumed: string[] = [];
  assert.equal(early.hold('c', async () => { resumed.push('c'); }), true);
  return { early, resumed };
}

test('a result started on several dependencies merges only after the last of them', async () => {
  const { early, resumed } = startedOnBoth();
  assert.deepEqual(early.merged('a'), []);
  assert.deepEqual(early.waitsOn('c'), ['b']);
  for (const resume of early.merged('b')) await resume();
  assert.deepEqual(resumed, ['c']);
  assert.deepEqual(early.waitsOn('c'), []);
  assert.equal(early.anyOn('b'), false);
});

test('any one of those dependencies not merging as reported stops it, even after another merged', () => {
  const { early } = startedOnBoth();
  early.merged('a');
  assert.deepEqual(early.unwind('b'), ['c']);
  assert.equal(early.hold('c', async () => undefined), false, 'nothing is held for it any more');
});
