/**
 * Each task's record on the agent's disk (`tasks/<key>/task.json`): what was asked and by whom,
 * how far it got, and every result it reported. A driver that comes back, or an agent that
 * restarted, finds the task there; results stay until the driver acknowledges them.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FINAL_STATES, TaskResult, TaskSpec, TaskStateName } from '../shared/protocol/control.js';
import { readJsonFile, writeJsonFile } from '../shared/node/json-file.js';

const RECORD_FILE = 'task.json';
/** Most results (turns) one task keeps: far more follow-ups than a verify loop ever takes. */
const MAX_RESULTS = 1000;
/** Finished tasks whose results were all collected are deleted this long after they ended. */
export const RECORD_RETENTION_MS = 7 * 24 * 3600_000;

export const TaskRecord = z.object({
  version: z.literal(1),
  spec: TaskSpec,
  owner: z.string().min(1).max(128),
  state: TaskStateName,
  costUsd: z.number().nonnegative(),
  results: z.array(TaskResult).max(MAX_RESULTS),
  /** The highest turn whose result the driver has acknowledged (0: none). */
  acked: z.number().int().nonnegative(),
}).strict();
export type TaskRecord = z.infer<typeof TaskRecord>;

/** Writes one task's record; writes of the same task happen one after another, each flushed to disk. */
export class RecordWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {}

  save(record: TaskRecord): Promise<void> {
    const write = this.chain.then(() => writeJsonFile(join(this.dir, RECORD_FILE), record, 0o600, true));
    // A failed write (disk full) is the caller's to report; the next write still runs.
    this.chain = write.catch(() => undefined);
    return write;
  }

  /** Settles once every write asked for so far has ended. */
  written(): Promise<void> {
    return this.chain;
  }
}

export interface LoadedRecord {
  dir: string;
  record: TaskRecord;
}

/**
 * Every task record under `tasksDir`. A record that cannot be read is skipped and named in
 * `problems` (the task directory stays, for its owner to look at).
 */
export async function loadRecords(tasksDir: string): Promise<{ records: LoadedRecord[]; problems: string[] }> {
  const records: LoadedRecord[] = [];
  const problems: string[] = [];
  const names = await readdir(tasksDir).catch(() => [] as string[]);
  for (const name of names) {
    const dir = join(tasksDir, name);
    try {
      const record = await readJsonFile(join(dir, RECORD_FILE), TaskRecord.nullable(), null);
      if (record) records.push({ dir, record });
    } catch (err) {
      problems.push(`${dir}: ${(err as Error).message}`);
    }
  }
  return { records, problems };
}

/** A finished task whose every result its driver collected, and which ended longer ago than the retention. */
export async function expired(loaded: LoadedRecord, now = Date.now()): Promise<boolean> {
  const { record } = loaded;
  const lastTurn = record.results.at(-1)?.turn ?? 0;
  if (!FINAL_STATES.has(record.state) || record.acked < lastTurn) return false;
  const changed = await stat(join(loaded.dir, RECORD_FILE)).then((s) => s.mtimeMs, () => now);
  return now - changed > RECORD_RETENTION_MS;
}

export async function removeRecord(loaded: LoadedRecord): Promise<void> {
  await rm(loaded.dir, { recursive: true, force: true });
}
