import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freemem } from 'node:os';
import { AVAILABLE_MEMORY_ENV, SESSION_MEMORY_BYTES, availableMemory, slotLimit } from './capacity.js';

const NEED = SESSION_MEMORY_BYTES;

test('plenty of memory: the configured slots, no reason', () => {
  assert.deepEqual(slotLimit(4, 10 * NEED), { slots: 4 });
  assert.deepEqual(slotLimit(4, 4 * NEED), { slots: 4 });
});

test('short of memory: one session per share of what is available', () => {
  const limit = slotLimit(8, 3 * NEED + NEED / 2);
  assert.equal(limit.slots, 3);
  assert.match(limit.reason ?? '', /^memory is short \(1\.8 GiB available, 512\.0 MiB per session\): 3 of 8 slots in use$/);
  assert.equal(slotLimit(8, 4 * NEED - 1).slots, 3);
});

test('never below one, so the queue moves even on a machine with almost no memory free', () => {
  assert.equal(slotLimit(4, 0).slots, 1);
  assert.equal(slotLimit(4, -1).slots, 1);
  assert.equal(slotLimit(1, 0).reason, undefined);
});

test('the per-session need can be given', () => {
  assert.equal(slotLimit(10, 1000, 100).slots, 10);
  assert.equal(slotLimit(10, 999, 100).slots, 9);
});

test('available memory: the machine\'s reading, or the test override when it is a byte count', () => {
  assert.equal(availableMemory({ [AVAILABLE_MEMORY_ENV]: '1234' }), 1234);
  const real = availableMemory({});
  assert.ok(real > 0 && Math.abs(real - freemem()) < 256 * 1024 * 1024);
  // A malformed override is ignored, not read as 0 (which would hold every slot but one).
  assert.ok(availableMemory({ [AVAILABLE_MEMORY_ENV]: 'lots' }) > 0);
});
