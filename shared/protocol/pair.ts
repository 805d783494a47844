/**
 * `/claudecluster/pair/1.0.0`: the only protocol an unpaired peer may open, and only while
 * the agent's pairing window is open. One request, one reply.
 */
import { z } from 'zod';
import { PAIRING_CODE_LENGTH } from '../constants.js';

export const PairRequest = z.object({
  /** The one-time code shown on the agent (dashes and case are ignored). */
  code: z.string().min(1).max(PAIRING_CODE_LENGTH * 2),
  /** A name for the driver, shown in the agent's allowlist. */
  name: z.string().max(100),
}).strict();
export type PairRequest = z.infer<typeof PairRequest>;

export const PairReply = z.union([
  z.object({ ok: z.literal(true), agentName: z.string().max(100) }).strict(),
  z.object({
    ok: z.literal(false),
    error: z.string().max(500),
    attemptsLeft: z.number().int().nonnegative(),
    /** Rate-limited: try again after this long; the attempt was not counted. */
    retryAfterMs: z.number().int().positive().optional(),
  }).strict(),
]);
export type PairReply = z.infer<typeof PairReply>;

/** Canonical form of a code as typed by a person: upper case, no separators. */
export function normalizePairingCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}
