import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCost, formatDuration } from './format.js';
import { languageFor } from './languages.js';
import { costOf, progressOf } from './task-status.js';

test('durations read as seconds, minutes or hours', () => {
  assert.equal(formatDuration(12_400), '12s');
  assert.equal(formatDuration(185_000), '3m 05s');
  assert.equal(formatDuration(3_720_000), '1h 02m');
  assert.equal(formatDuration(443), '0.4s');
  assert.equal(formatDuration(9_990), '9.9s');
  assert.equal(formatDuration(-5), '0.0s');
});

test('costs show cents, or four decimals below a cent', () => {
  assert.equal(formatCost(0.42), '$0.42');
  assert.equal(formatCost(0.0031), '$0.0031');
  assert.equal(formatCost(0), '$0.00');
});

test('languages come from the extension', () => {
  assert.equal(languageFor('src/App.tsx'), 'typescript');
  assert.equal(languageFor('README.MD'), 'markdown');
  assert.equal(languageFor('Makefile'), undefined);
});

test('progress and cost add up the tasks', () => {
  const tasks = [
    { id: 'a', title: 'a', status: 'merged' as const, costUsd: 0.5 },
    { id: 'b', title: 'b', status: 'needs-input' as const, costUsd: 0.25 },
    { id: 'c', title: 'c', status: 'blocked' as const },
  ];
  assert.deepEqual(progressOf(tasks), { merged: 1, failed: 1, total: 3, needsInput: 1 });
  assert.equal(costOf(0.1, tasks), 0.75);
  assert.equal(costOf(2, tasks), 2);
});
