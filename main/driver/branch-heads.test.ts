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

test('an agent holding a head holds the heads before it and every result merged at or before it', () => {
  const heads = new BranchHeads();
  heads.merged('a', 'h1', 'ra');
  heads.merged('b', 'h2', 'rb');
  heads.merged('nothing', 'h2');
  assert.equal(heads.inHistory('ra', ['h2']), true);
  assert.equal(heads.inHistory('h1', ['h2']), true);
  assert.equal(heads.inHistory('rb', ['h1', 'r-of-some-task']), false, 'b merged after h1');
  assert.equal(heads.inHistory('ra', ['ra']), false, 'a result alone holds no head');
  assert.equal(heads.inHistory('r-never-merged', ['h2']), false);
});
