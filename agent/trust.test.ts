import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Allowlist, PairingWindow, displayCode } from './trust.js';
import { PAIRING_CODE_ALPHABET, PAIRING_CODE_LENGTH } from '../shared/constants.js';

test('a pairing code is single use and accepted however it is typed', () => {
  const w = new PairingWindow();
  const { code } = w.open(60_000);
  assert.equal(code.length, PAIRING_CODE_LENGTH);
  assert.ok([...code].every((c) => PAIRING_CODE_ALPHABET.includes(c)));
  assert.deepEqual(w.attempt(displayCode(code).toLowerCase()), { ok: true });
  assert.equal(w.isOpen(), false);
  assert.equal(w.attempt(code).ok, false);
});

test('five wrong codes close the window', () => {
  const w = new PairingWindow();
  const { code } = w.open(60_000);
  const left = [1, 2, 3, 4, 5].map(() => { const r = w.attempt('WRONGWRONG'); return r.ok ? -1 : r.attemptsLeft; });
  assert.deepEqual(left, [4, 3, 2, 1, 0]);
  assert.deepEqual(w.attempt(code), { ok: false, reason: 'closed', attemptsLeft: 0 });
});

test('the window expires', () => {
  const w = new PairingWindow();
  const { code } = w.open(1000, 0);
  assert.equal(w.isOpen(999), true);
  assert.equal(w.attempt(code, 1000).ok, false);
});

test('the allowlist survives a reload and is private to its owner', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-allow-'));
  try {
    const path = join(dir, 'allowlist.json');
    const a = await Allowlist.load(path);
    await a.add('peer-1', 'laptop');
    const b = await Allowlist.load(path);
    assert.equal(b.has('peer-1'), true);
    assert.equal(b.has('peer-2'), false);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
