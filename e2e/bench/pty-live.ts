/**
 * (b) A PTY writing as fast as it can, read live on the driver (attached right after
 * task.start) against the same command in a local PTY (the agent's own PtyProcess and TermLog, in
 * this process) reaching its log. Rate = all bytes / time from first to last byte.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtyProcess } from '../../agent/pty-process.js';
import { TermLog } from '../../agent/term-log.js';
import { attachTerm } from '../../main/driver/term-client.js';
import { FAKE_CLAUDE } from '../harness.js';
import type { AgentLink } from './agent-link.js';
import { MIB, mibPerSec, now, sample, type Sample } from './stats.js';

export const LIVE_FLOOD_BYTES = 32 * MIB;
const PROMPT = `!flood ${LIVE_FLOOD_BYTES}`;

export interface LiveResult {
  live: Sample;
  local: Sample;
  /** Bytes per run (log bytes, JSON lines included). */
  bytes: number;
}

/** First/last arrival times and a byte count. */
class Arrivals {
  first = 0;
  last = 0;
  bytes = 0;

  add(chunk: Uint8Array): void {
    const t = now();
    if (this.bytes === 0) this.first = t;
    this.last = t;
    this.bytes += chunk.byteLength;
  }

  get rate(): number {
    return mibPerSec(this.bytes, this.last - this.first);
  }
}

async function liveOnce(link: AgentLink): Promise<Arrivals> {
  const spec = link.spec(PROMPT);
  const result = link.awaitResult(spec);
  await link.start(spec);
  const seen = new Arrivals();
  const att = await attachTerm(link.client, spec, 0, (c) => seen.add(c));
  const done = await result;
  await att.done;
  if (seen.bytes !== done.logBytes) throw new Error(`live attach saw ${seen.bytes} of ${done.logBytes} bytes`);
  return seen;
}

async function localOnce(): Promise<Arrivals> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bench-pty-'));
  const log = new TermLog(join(dir, 'term.log'));
  try {
    const seen = new Arrivals();
    // The same program and arguments as the agent's TUI session runs (its interactive mode, the
    // prompt as its argument), read from the log as the agent's term handler reads it. The program
    // then waits for a follow-up, so stop once the flood is through.
    const proc = new PtyProcess({ bin: FAKE_CLAUDE, args: ['--permission-mode', 'acceptEdits', '--', PROMPT], cwd: dir, env: process.env, onOutput: (c) => log.append(c) });
    for await (const c of log.read(0)) {
      seen.add(c);
      if (seen.bytes >= LIVE_FLOOD_BYTES) break;
    }
    proc.kill('SIGKILL');
    await proc.exited;
    return seen;
  } finally {
    log.end();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function measureLive(link: AgentLink, runs: number): Promise<LiveResult> {
  const live: number[] = [];
  const local: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const l = await liveOnce(link);
    live.push(l.rate);
    bytes = l.bytes;
    local.push((await localOnce()).rate);
  }
  return { live: sample(live), local: sample(local), bytes };
}
