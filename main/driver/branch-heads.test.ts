import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BranchHeads } from './branch-heads.js';

test('the newest head an agent has that holds every dependency', () => {
  const heads = new BranchHeads();
  heads.merged('a', 'h1');
  heads.merged('b', 'h2');
  heads.merged('c', 'h3');
  assert.equal(heads.newestHolding(['a', 'b'], ['h1', 'h2', 'h3']), 'h3');
  assert.equal(heads.newestHolding(['a', 'b'], ['h2', 'r-of-some-task']), 'h2');
  assert.equal(heads.newestHolding(['a', 'b'], ['h1']), undefined, 'h1 lacks b');
  assert.equal(heads.newestHolding(['a', 'x'], ['h3']), undefined, 'x merged before the run kept track');
  assert.equal(heads.newestHolding([], ['h1']), 'h1');
});

test('a task merged again (a follow-up turn) is held only from that head on', () => {
  const heads = new BranchHeads();
  heads.merged('a', 'h1');
  heads.merged('b', 'h2');
  heads.merged('a', 'h3');
  assert.equal(heads.newestHolding(['a'], ['h1', 'h2']), undefined);
  assert.equal(heads.newestHolding(['a'], ['h3']), 'h3');
});

test('a task that changed nothing is held by the head it merged at', () => {
  const heads = new BranchHeads();
  heads.merged('a', 'h1');
  heads.merged('nothing', 'h1');
  assert.equal(heads.newestHolding(['nothing', 'a'], ['h1']), 'h1');
});
