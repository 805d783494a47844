/**
 * Who may use this agent: an allowlist of driver PeerIds that survives restarts, and a
 * pairing window that lets one new driver in with a one-time code.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PAIRING_CODE_ALPHABET, PAIRING_CODE_LENGTH, PAIRING_MAX_ATTEMPTS } from '../shared/constants.js';
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

  async add(peerId: string, name: string): Promise<void> {
    if (this.has(peerId)) return;
    this.data = { ...this.data, drivers: [...this.data.drivers, { peerId, name, pairedAt: new Date().toISOString() }] };
    await writeJsonFile(this.path, this.data);
  }

}

export type PairAttempt =
  | { ok: true }
  | { ok: false; reason: 'closed' | 'wrong-code'; attemptsLeft: number };

/** A time-limited window with a one-time code; single use, closed after too many wrong codes. */
export class PairingWindow {
  private code: string | undefined;
  private expiresAt = 0;
  private attemptsLeft = 0;

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

  attempt(candidate: string, now = Date.now()): PairAttempt {
    if (!this.isOpen(now) || this.code === undefined) return { ok: false, reason: 'closed', attemptsLeft: 0 };
    if (sameCode(normalizePairingCode(candidate), this.code)) {
      this.close(); // single use
      return { ok: true };
    }
    this.attemptsLeft -= 1;
    const left = this.attemptsLeft;
    if (left <= 0) this.close();
    return { ok: false, reason: 'wrong-code', attemptsLeft: Math.max(0, left) };
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
