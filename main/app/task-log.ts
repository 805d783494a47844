/**
 * Each task's whole terminal log as the app saw it, in `<run dir>/logs/<task>.log` (raw bytes,
 * every attempt one after another), for `task.log`: panes keep only a capped scrollback. A task
 * the app did not watch (a run of `claudecluster run`) is read back from its agent, which keeps
 * every task's log, over the term protocol from offset 0.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { confineReal, confinedPath } from '../../shared/node/confined-path.js';
import type { TaskRef } from '../../shared/protocol/common.js';
import type { AgentClient } from '../driver/agent-client.js';
import { attachTerm } from '../driver/term-client.js';

/** The folder of a run's dir that holds its task logs. */
export const LOGS_DIR = 'logs';
/** The most of a log `task.log` returns: the end of it, when it is longer. */
export const MAX_LOG_BYTES = 8 * 1024 * 1024;
/** How long reading a log back from an agent may take. */
const FETCH_TIMEOUT_MS = 10_000;
/** What a cut at a byte offset leaves of a character split there. */
const REPLACEMENT = /^\uFFFD+/;

export interface LogText {
  text: string;
  truncated: boolean;
}

/** Appends terminal output to the log files of one run's tasks. */
export class TaskLogWriter {
  private readonly streams = new Map<string, WriteStream>();

  constructor(private readonly runDir: string) {
    // Once per run, before the first write: the streams open their files right away.
    mkdirSync(join(runDir, LOGS_DIR), { recursive: true, mode: 0o700 });
  }

  write(taskId: string, data: Uint8Array | string): void {
    let stream = this.streams.get(taskId);
    if (!stream) {
      const path = logPath(this.runDir, taskId);
      const s = createWriteStream(path, { flags: 'a', mode: 0o600 });
      s.on('error', () => { /* A log that cannot be written is only a log: the run goes on, task.log says less. */ });
      this.streams.set(taskId, s);
      stream = s;
    }
    stream.write(data);
  }

  /** Flushes and closes every log. */
  async close(): Promise<void> {
    await Promise.all([...this.streams.values()].map((s) => new Promise<void>((resolve) => s.end(resolve))));
    this.streams.clear();
  }
}

/** A task's log file; the task id (from a goal, or the bridge) cannot lead out of the logs folder. */
export function logPath(runDir: string, taskId: string): string {
  return confinedPath(join(runDir, LOGS_DIR), `${taskId}.log`);
}

/** The task's saved log (its last MAX_LOG_BYTES), or undefined when there is none. */
export async function readTaskLog(runDir: string, taskId: string, maxBytes = MAX_LOG_BYTES): Promise<LogText | undefined> {
  const where = await confineReal(join(runDir, LOGS_DIR), `${taskId}.log`);
  if (!where.ok) return undefined; // No logs folder yet, or a name or link that leads elsewhere: nothing to show.
  let file;
  try {
    file = await open(where.path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    await file.read(buf, 0, length, size - length);
    return decode(buf, size > length);
  } finally {
    await file.close();
  }
}

/** A task's log read back from its agent (the agent keeps every task's log), up to `maxBytes` from its end. */
export async function fetchTaskLog(agent: AgentClient, ref: TaskRef, maxBytes = MAX_LOG_BYTES): Promise<LogText> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  const term = await attachTerm(agent, ref, 0, (chunk) => {
    chunks.push(Buffer.from(chunk));
    kept += chunk.byteLength;
    while (kept > maxBytes && chunks.length > 1) {
      kept -= chunks.shift()!.byteLength;
      truncated = true;
    }
  });
  // A session still running streams on: what came within the time limit is the log so far.
  const timer = setTimeout(() => term.close(), FETCH_TIMEOUT_MS);
  try {
    await term.done.catch(() => undefined);
  } finally {
    clearTimeout(timer);
    term.close();
  }
  let buf = Buffer.concat(chunks);
  if (buf.byteLength > maxBytes) {
    buf = buf.subarray(buf.byteLength - maxBytes);
    truncated = true;
  }
  return decode(buf, truncated);
}

function decode(buf: Buffer, truncated: boolean): LogText {
  const text = new TextDecoder('utf-8').decode(buf);
  return { text: truncated ? text.replace(REPLACEMENT, '') : text, truncated };
}
