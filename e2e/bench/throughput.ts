/**
 * (a) Term-protocol throughput agent → driver: replaying a finished task's 48 MiB log from
 * offset 0, against reading the same byte count from a raw TCP socket between the same two
 * processes. Runs alternate so machine noise hits both alike.
 */
import { attachTerm } from '../../main/driver/term-client.js';
import { TERM_LOG_CAP_BYTES } from '../../agent/term-log.js';
import type { AgentLink } from './agent-link.js';
import type { ChildStats } from './agent-child.js';
import { mibPerSec, now, sample, type Sample } from './stats.js';

/**
 * Bytes the flood task writes. Its log holds them with a CR before each LF (the PTY adds it) and a
 * few JSON lines, and must stay under the agent's cap (TERM_LOG_CAP_BYTES): past it only the
 * newest output is kept, and a replay from 0 would not get it all.
 */
export const REPLAY_FLOOD_BYTES = Math.floor(TERM_LOG_CAP_BYTES * 0.75);

export interface ThroughputResult {
  logBytes: number;
  /** How fast the agent's PTY produced the log while the task ran (bytes / task duration). */
  producedMiBs: number;
  term: Sample;
  raw: Sample;
  /** Agent-process memory before the replays (after the flood task ran). */
  before: ChildStats;
  /** Agent-process memory after, and the longest event-loop stall during, the replays. */
  child: ChildStats;
}

export async function measureThroughput(link: AgentLink, runs: number): Promise<ThroughputResult> {
  const spec = link.spec(`!flood ${REPLAY_FLOOD_BYTES}`);
  const result = link.awaitResult(spec);
  await link.start(spec);
  const done = await result;
  const logBytes = done.logBytes;
  const before = await link.childStats(); // also resets the event-loop histogram: count only the replays

  const term: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    const att = await attachTerm(link.client, spec, 0, () => undefined);
    await att.done;
    const ms = now() - t0;
    if (att.received !== logBytes) throw new Error(`term replay delivered ${att.received} of ${logBytes} bytes`);
    term.push(mibPerSec(logBytes, ms));

    const r = await link.rawRead(logBytes, now);
    if (r.received !== logBytes) throw new Error(`raw TCP delivered ${r.received} of ${logBytes} bytes`);
    raw.push(mibPerSec(logBytes, r.ms));
  }
  const child = await link.childStats();
  return { logBytes, producedMiBs: mibPerSec(logBytes, done.durationMs), term: sample(term), raw: sample(raw), before, child };
}
