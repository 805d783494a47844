import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMEOUT_MS, formatDuration, parseDuration } from './duration.js';

test('a number is seconds; text takes h, m or s', () => {
  assert.equal(parseDuration(90), 90_000);
  assert.equal(parseDuration(0.5), 500);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration(' 2 m '), 120_000);
});

test('anything else, zero, negative or over a week is not a time limit', () => {
  for (const value of [0, -1, '0s', '10', '10 minutes', '1d', 'm', '', null, true, [], Number.NaN, Infinity, 0.0001]) {
    assert.equal(parseDuration(value), undefined, JSON.stringify(value));
  }
  assert.equal(parseDuration(MAX_TIMEOUT_MS / 1000), MAX_TIMEOUT_MS);
  assert.equal(parseDuration(MAX_TIMEOUT_MS / 1000 + 1), undefined);
  // Timers fire at once past 2^31-1 ms, so the limit must stay below it.
  assert.ok(MAX_TIMEOUT_MS < 2 ** 31 - 1);
});

test('formatDuration writes the shortest exact form, which parseDuration reads back', () => {
  assert.equal(formatDuration(3_600_000), '1h');
  assert.equal(formatDuration(5_400_000), '90m');
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(1_234), 1.234);
  for (const ms of [1, 999, 1_000, 61_000, 3_600_000, 5_400_000, MAX_TIMEOUT_MS]) assert.equal(parseDuration(formatDuration(ms)), ms);
});
