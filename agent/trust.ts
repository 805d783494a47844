/**
 * Who may use this agent: an allowlist of driver PeerIds that survives restarts, and a
 * pairing window that lets one new driver in with a one-time code.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  PAIRING_CODE_ALPHABET, PAIRING_CODE_LENGTH, PAIRING_GLOBAL_INTERVAL_MS, PAIRING_MAX_ATTEMPTS, PAIRING_PEER_INTERVAL_MS,
} from '../shared/constants.js';
import { normalizePairingCode } from '../shared/protocol/pair.js';
import { readJsonFile, writeJsonFile } from '../shared/node/json-file.js';

const AllowlistFile = z.object({
  version: z.literal(1),
  drivers: z.array(z.object({ peerId: z.string(), name: z.string(), pairedAt: z.string() }).strict()),
}).strict();
type AllowlistFile = z.infer<typeof AllowlistFile>;

export class Allowlist {
  private constructor(private readonly path: string, private data: AllowlistFile) {}

  static async load(path: string): Promise<Allowlist> {
    return new Allowlist(path, await readJsonFile(path, AllowlistFile, { version: 1, drivers: [] }));
  }

  has(peerId: string): boolean {
    return this.data.drivers.some((d) => d.peerId === peerId);
  }

  list(): ReadonlyArray<{ peerId: string; name: string; pairedAt: string }> {
    return this.data.drivers;
  }

  /** The name a driver gave when it paired, if it is on the list. */
  nameOf(peerId: string): string | undefined {
    return this.data.drivers.find((d) => d.peerId === peerId)?.name;
  }

  async add(peerId: string, name: string): Promise<void> {
    if (this.has(peerId)) return;
    this.data = { ...this.data, drivers: [...this.data.drivers, { peerId, name, pairedAt: new Date().toISOString() }] };
    await writeJsonFile(this.path, this.data);
  }

  /** Takes a driver off the list (saved before it returns); false when it was not on it. */
  async remove(peerId: string): Promise<boolean> {
    if (!this.has(peerId)) return false;
    this.data = { ...this.data, drivers: this.data.drivers.filter((d) => d.peerId !== peerId) };
    await writeJsonFile(this.path, this.data);
    return true;
  }
}

/** Reads the allowlist file without loading it for use (e.g. to list drivers while the agent is off). */
export async function readAllowlist(path: string): Promise<ReadonlyArray<{ peerId: string; name: string; pairedAt: string }>> {
  return (await Allowlist.load(path)).list();
}

export type PairAttempt =
  | { ok: true }
  | { ok: false; reason: 'closed' | 'wrong-code'; attemptsLeft: number }
  /** Too soon after the last attempt (this peer's or anyone's); the code was not looked at. */
  | { ok: false; reason: 'rate-limited'; attemptsLeft: number; retryAfterMs: number };

/** Peers whose last attempt is remembered; beyond this the stale ones are forgotten. */
const MAX_TRACKED_PEERS = 1_000;

/**
 * A time-limited window with a one-time code; single use, closed after too many wrong codes,
 * and rate-limited per peer and overall so codes cannot be tried in bulk.
 */
export class PairingWindow {
  private code: string | undefined;
  private expiresAt = 0;
  private attemptsLeft = 0;
  private readonly lastByPeer = new Map<string, number>();
  private lastAny = -Infinity;

  /** Opens (or re-opens with a fresh code) the window; returns the code to show. */
  open(durationMs: number, now = Date.now()): { code: string; expiresAt: number } {
    let code = '';
    for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
    this.code = code;
    this.expiresAt = now + durationMs;
    this.attemptsLeft = PAIRING_MAX_ATTEMPTS;
    return { code, expiresAt: this.expiresAt };
  }

  isOpen(now = Date.now()): boolean {
    if (this.code !== undefined && now >= this.expiresAt) this.close();
    return this.code !== undefined;
  }

  close(): void {
    this.code = undefined;
    this.attemptsLeft = 0;
  }

  /** `peer` tries `candidate`. A rate-limited attempt is not counted against the window. */
  attempt(candidate: string, peer: string, now = Date.now()): PairAttempt {
    if (!this.isOpen(now) || this.code === undefined) return { ok: false, reason: 'closed', attemptsLeft: 0 };
    const wait = Math.max((this.lastByPeer.get(peer) ?? -Infinity) + PAIRING_PEER_INTERVAL_MS, this.lastAny + PAIRING_GLOBAL_INTERVAL_MS) - now;
    if (wait > 0) return { ok: false, reason: 'rate-limited', attemptsLeft: this.attemptsLeft, retryAfterMs: Math.ceil(wait) };
    this.remember(peer, now);
    if (sameCode(normalizePairingCode(candidate), this.code)) {
      this.close(); // single use
      return { ok: true };
    }
    this.attemptsLeft -= 1;
    const left = this.attemptsLeft;
    if (left <= 0) this.close();
    return { ok: false, reason: 'wrong-code', attemptsLeft: Math.max(0, left) };
  }

  private remember(peer: string, now: number): void {
    if (this.lastByPeer.size >= MAX_TRACKED_PEERS) {
      for (const [p, at] of this.lastByPeer) if (at + PAIRING_PEER_INTERVAL_MS <= now) this.lastByPeer.delete(p);
    }
    this.lastByPeer.set(peer, now);
    this.lastAny = now;
  }
}

/** What a refused attempt tells the peer, for people. */
export function describeRefusal(attempt: Exclude<PairAttempt, { ok: true }>): string {
  switch (attempt.reason) {
    case 'closed': return 'pairing is not open on this agent';
    case 'wrong-code': return 'wrong pairing code';
    case 'rate-limited': return `too many attempts, wait ${Math.ceil(attempt.retryAfterMs / 1000)} s and try again`;
  }
}

/** Constant-time comparison: hash both so lengths match, then timingSafeEqual. */
function sameCode(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** `ABCD-EFGH`: the code as shown to people. */
export function displayCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}
