import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoUnlessFailed } from './memo.js';

test('a value stays while its outcome succeeds and goes when it fails, unless another took its place', async () => {
  const memo = new Map<string, Promise<number>>();
  const ok = Promise.resolve(1);
  assert.equal(memoUnlessFailed(memo, 'a', ok, ok), ok);
  await ok;
  assert.equal(memo.get('a'), ok);

  const failed = Promise.reject(new Error('no'));
  memoUnlessFailed(memo, 'b', failed, failed);
  await failed.catch(() => undefined);
  await Promise.resolve();
  assert.equal(memo.has('b'), false);

  let fail!: (err: Error) => void;
  const slow = new Promise<number>((_, reject) => { fail = reject; });
  memoUnlessFailed(memo, 'c', slow, slow);
  const newer = Promise.resolve(3);
  memo.set('c', newer);
  fail(new Error('late'));
  await slow.catch(() => undefined);
  await Promise.resolve();
  assert.equal(memo.get('c'), newer);
});
