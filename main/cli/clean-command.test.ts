import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../shared/node/cli-args.js';
import { parseDuration } from './clean-command.js';

test('--older-than takes a whole number and one unit', () => {
  assert.equal(parseDuration('--older-than', '90s'), 90_000);
  assert.equal(parseDuration('--older-than', '30m'), 1_800_000);
  assert.equal(parseDuration('--older-than', '12h'), 43_200_000);
  assert.equal(parseDuration('--older-than', '7d'), 604_800_000);
  assert.equal(parseDuration('--older-than', '2w'), 1_209_600_000);
  assert.equal(parseDuration('--older-than', '0d'), 0);
  for (const bad of ['', '7', 'd', '1.5h', '-1d', '3 days', '1h30m']) {
    assert.throws(() => parseDuration('--older-than', bad), (e: unknown) => e instanceof UsageError && e.message.includes(`not "${bad}"`), bad);
  }
});
