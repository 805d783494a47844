/**
 * A run's journal: `runs/<id>/journal.ndjson`, one event a line, appended in order and flushed to
 * disk at each state change, so a driver that crashed can rebuild the run (`run --resume`). It
 * records what cannot be found out again: which attempt went to which agent, which results were
 * collected, which merged, which tasks ended. Beside it, `terms/<attempt>.log` keeps every
 * terminal byte received, so a resumed run re-attaches each terminal from where it stopped.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Id, Oid } from '../../shared/protocol/common.js';
import { TaskSpec } from '../../shared/protocol/control.js';
import type { Goal } from '../../shared/goal/types.js';

export const JOURNAL_FILE = 'journal.ndjson';
/** Every terminal byte the driver received, per attempt: kept after the run with the journal. */
export const TERMS_DIR = 'terms';

export const JournalEvent = z.discriminatedUnion('type', [
  /** The run as it started: everything needed to run it again but the agents. */
  z.object({ type: z.literal('started'), version: z.literal(1), runId: Id, base: Oid, branch: z.string().min(1), goal: z.custom<Goal>((g) => typeof g === 'object' && g !== null && Array.isArray((g as Goal).tasks)) }).strict(),
  /** An attempt was sent to an agent. */
  z.object({ type: z.literal('dispatched'), taskId: Id, agentId: z.string().min(1).max(128), attempts: z.number().int().nonnegative(), starts: z.number().int().nonnegative(), spec: TaskSpec }).strict(),
  /** A result is in the user's repo (in `ref` when it has a commit); the agent may drop it after this. */
  z.object({ type: z.literal('received'), taskId: Id, agentTaskId: Id, turn: z.number().int().positive(), ok: z.boolean(), commit: Oid.nullable(), ref: z.string().optional() }).strict(),
  /** The task's result is on the run branch, whose head is now `head`. */
  z.object({ type: z.literal('merged'), taskId: Id, commit: Oid.nullable(), head: Oid }).strict(),
  /** The task ended without merging. */
  z.object({ type: z.literal('settled'), taskId: Id, status: z.enum(['failed', 'blocked']), error: z.string().max(4000).optional() }).strict(),
  z.object({ type: z.literal('finished') }).strict(),
  /** The run ended, and was taken up again to run these failed or blocked tasks once more. */
  z.object({ type: z.literal('reopened'), taskIds: z.array(Id).min(1) }).strict(),
]);
export type JournalEvent = z.infer<typeof JournalEvent>;

interface Pending {
  line: string;
  resolve(): void;
  reject(err: unknown): void;
}

export class RunJournal {
  /** Events waiting for the next write: whatever gathers while one write is flushed goes in the next. */
  private pending: Pending[] = [];
  private writing: Promise<void> | undefined;
  private file: FileHandle | undefined;
  private readonly terms = new Map<string, number>();

  private constructor(readonly dir: string) {}

  static async open(runDir: string): Promise<RunJournal> {
    await mkdir(join(runDir, TERMS_DIR), { recursive: true, mode: 0o700 });
    return new RunJournal(runDir);
  }

  /**
   * Appends `event` (in order with every other) and flushes it to disk. The promise settles once
   * it is durable; a write that failed is reported there, and later events are still written.
   * Events recorded while a flush is under way share the next one: one fsync for many tasks.
   */
  record(event: JournalEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: JSON.stringify(event) + '\n', resolve, reject });
      this.writing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        this.file ??= await open(join(this.dir, JOURNAL_FILE), 'a', 0o600);
        await this.file.writeFile(batch.map((p) => p.line).join(''));
        await this.file.sync();
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
        // Opened afresh for the next batch: the failure may have been the handle's.
        await this.file?.close().catch(() => undefined);
        this.file = undefined;
      }
    }
    this.writing = undefined;
  }

  /** Appends terminal bytes of attempt `agentTaskId` to its file (not flushed: the agent keeps the original). */
  termOutput(agentTaskId: string, chunk: Uint8Array): void {
    let fd = this.terms.get(agentTaskId);
    if (fd === undefined) this.terms.set(agentTaskId, (fd = openSync(termPath(this.dir, agentTaskId), 'a', 0o600)));
    for (let off = 0; off < chunk.byteLength;) off += writeSync(fd, chunk, off);
  }

  async close(): Promise<void> {
    for (const fd of this.terms.values()) closeSync(fd);
    this.terms.clear();
    await this.writing;
    await this.file?.close();
    this.file = undefined;
  }
}

export function termPath(runDir: string, agentTaskId: string): string {
  return join(runDir, TERMS_DIR, `${agentTaskId}.log`);
}

/** Bytes of attempt `agentTaskId`'s terminal the driver had received. */
export async function termBytes(runDir: string, agentTaskId: string): Promise<number> {
  return stat(termPath(runDir, agentTaskId)).then((s) => s.size, () => 0);
}

/**
 * The journal's events. A crash can cut the last line short: that line is dropped, since its
 * event was never durable. Any other bad line is an error naming it.
 */
export async function readJournal(runDir: string): Promise<JournalEvent[]> {
  const path = join(runDir, JOURNAL_FILE);
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  const torn = !text.endsWith('\n');
  const events: JournalEvent[] = [];
  for (const [i, line] of lines.entries()) {
    if (line === '' || (torn && i === lines.length - 1)) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1} is not JSON`);
    }
    const parsed = JournalEvent.safeParse(raw);
    if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.issues[0]?.message ?? 'not a journal event'}`);
    events.push(parsed.data);
  }
  return events;
}
