import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Allowlist, PairingWindow, describeRefusal, displayCode, readAllowlist } from './trust.js';
import { PAIRING_CODE_ALPHABET, PAIRING_CODE_LENGTH, PAIRING_GLOBAL_INTERVAL_MS, PAIRING_PEER_INTERVAL_MS } from '../shared/constants.js';

/** Far enough apart that no attempt is rate-limited. */
const SPACED = Math.max(PAIRING_PEER_INTERVAL_MS, PAIRING_GLOBAL_INTERVAL_MS);

test('a pairing code is single use and accepted however it is typed', () => {
  const w = new PairingWindow();
  const { code } = w.open(60_000, 0);
  assert.equal(code.length, PAIRING_CODE_LENGTH);
  assert.ok([...code].every((c) => PAIRING_CODE_ALPHABET.includes(c)));
  assert.deepEqual(w.attempt(displayCode(code).toLowerCase(), 'p1', 10), { ok: true });
  assert.equal(w.isOpen(10), false);
  // The used code replayed, by the same peer or another, later: refused, the window is shut.
  assert.deepEqual(w.attempt(code, 'p1', 10 + SPACED), { ok: false, reason: 'closed', attemptsLeft: 0 });
  assert.deepEqual(w.attempt(code, 'p2', 10 + 2 * SPACED), { ok: false, reason: 'closed', attemptsLeft: 0 });
});

test('five wrong codes close the pairing window', () => {
  const w = new PairingWindow();
  const { code } = w.open(60_000, 0);
  const left = [1, 2, 3, 4, 5].map((i) => { const r = w.attempt('WRONGWRONG', 'p1', i * SPACED); return r.ok ? -1 : r.attemptsLeft; });
  assert.deepEqual(left, [4, 3, 2, 1, 0]);
  assert.deepEqual(w.attempt(code, 'p1', 6 * SPACED), { ok: false, reason: 'closed', attemptsLeft: 0 });
});

test('the window expires', () => {
  const w = new PairingWindow();
  const { code } = w.open(1000, 0);
  assert.equal(w.isOpen(999), true);
  assert.equal(w.attempt(code, 'p1', 1000).ok, false);
});

test('one peer cannot try codes faster than once per interval; a refused try is not counted', () => {
  const w = new PairingWindow();
  const { code } = w.open(60_000, 0);
  assert.equal(w.attempt('WRONGWRONG', 'p1', 1000).ok, false);
  const soon = w.attempt(code, 'p1', 1000 + PAIRING_PEER_INTERVAL_MS - 300);
  assert.deepEqual(soon, { ok: false, reason: 'rate-limited', attemptsLeft: 4, retryAfterMs: 300 });
  assert.ok(!soon.ok);
  assert.match(describeRefusal(soon), /too many attempts, wait 1 s/);
  assert.deepEqual(w.attempt(code, 'p1', 1000 + PAIRING_PEER_INTERVAL_MS), { ok: true });
});

test('all peers together cannot try codes faster than the overall rate', () => {
  const w = new PairingWindow();
  const { code } = w.open(60_000, 0);
  assert.equal(w.attempt('WRONGWRONG', 'p1', 1000).ok, false);
  const other = w.attempt(code, 'p2', 1000 + PAIRING_GLOBAL_INTERVAL_MS - 1);
  assert.equal(!other.ok && other.reason, 'rate-limited');
  assert.deepEqual(w.attempt(code, 'p2', 1000 + PAIRING_GLOBAL_INTERVAL_MS), { ok: true });
});

test('the allowlist survives a reload, is private to its owner, and a removal is saved', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-allow-'));
  try {
    const path = join(dir, 'allowlist.json');
    const a = await Allowlist.load(path);
    await a.add('peer-1', 'laptop');
    await a.add('peer-2', 'desktop');
    const b = await Allowlist.load(path);
    assert.equal(b.has('peer-1'), true);
    assert.equal(b.has('peer-3'), false);
    assert.equal(b.nameOf('peer-2'), 'desktop');
    assert.equal((await stat(path)).mode & 0o777, 0o600);

    assert.equal(await b.remove('peer-1'), true);
    assert.equal(await b.remove('peer-1'), false);
    assert.equal(b.has('peer-1'), false);
    assert.deepEqual((await readAllowlist(path)).map((d) => d.peerId), ['peer-2']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
