/**
 * A small record of each run, `runs/<id>/run.json` in the driver's data dir beside its report:
 * written when the run starts (status `running`, with the driver's pid) and again when it ends.
 * `claudecluster runs` lists them; `claudecluster clean` uses them to find what a run left behind.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../../shared/node/json-file.js';
import { ID_PATTERN } from '../../shared/constants.js';
import type { DriverStore } from './store.js';
import { didYouMean } from '../../shared/did-you-mean.js';

export const RUN_RECORD_FILE = 'run.json';
export const REPORT_FILE = 'report.md';

const TaskCounts = z.object({
  total: z.number().int().nonnegative(),
  merged: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  blocked: z.number().int().nonnegative(),
}).strict();

const RunRecordSchema = z.object({
  version: z.literal(1),
  id: z.string().regex(ID_PATTERN),
  goalFile: z.string(),
  goalTitle: z.string(),
  /** The user's repository (its top-level directory). */
  repo: z.string(),
  /** The commit the run started from, and the branch it was on (if any): the pull request's base. */
  base: z.string(),
  baseBranch: z.string().optional(),
  branch: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  status: z.enum(['running', 'ok', 'failed']),
  /** The driver process while the run is open: a `running` record whose pid is gone was interrupted. */
  pid: z.number().int().positive().optional(),
  tasks: TaskCounts,
  costUsd: z.number().nonnegative(),
  /** Set when report.md was written. */
  report: z.string().optional(),
}).strict();
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** How a record reads to a person: `running` only while its driver lives. */
export type RunState = RunRecord['status'] | 'interrupted';

export class RunRecords {
  constructor(private readonly store: DriverStore) {}

  dir(id: string): string { return this.store.runDir(id); }
  file(id: string): string { return join(this.dir(id), RUN_RECORD_FILE); }
  reportFile(id: string): string { return join(this.dir(id), REPORT_FILE); }

  async write(record: RunRecord): Promise<void> {
    await writeJsonFile(this.file(record.id), record);
  }

  /** The record of run `id`, or undefined when there is none. */
  async read(id: string): Promise<RunRecord | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    const r = await readJsonFile(this.file(id), RunRecordSchema.optional(), undefined);
    return r;
  }

  /**
   * Every run dir, newest first: its record, or `problem` when it has none or an unreadable one
   * (a run from before records, or a damaged file): such dirs are listed so `clean` can remove them.
   */
  async list(): Promise<Array<{ id: string; record?: RunRecord; problem?: string; mtimeMs: number }>> {
    let names: string[];
    try {
      names = await readdir(this.store.runsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const rows = await Promise.all(names.filter((n) => ID_PATTERN.test(n)).map(async (id) => {
      const info = await stat(this.dir(id)).catch(() => undefined);
      if (!info?.isDirectory()) return undefined;
      try {
        const record = await this.read(id);
        return record ? { id, record, mtimeMs: info.mtimeMs } : { id, problem: 'no run record', mtimeMs: info.mtimeMs };
      } catch (err) {
        return { id, problem: (err as Error).message, mtimeMs: info.mtimeMs };
      }
    }));
    const when = (r: { record?: RunRecord; mtimeMs: number }): number => (r.record ? Date.parse(r.record.startedAt) : r.mtimeMs);
    return rows.filter((r) => r !== undefined).sort((a, b) => when(b) - when(a) || b.id.localeCompare(a.id));
  }

  /** `; did you mean "…"?` naming the run nearest to `id`, for a run that is not there; '' when none is near. */
  async suggest(id: string): Promise<string> {
    return didYouMean(id, (await this.list()).map((r) => r.id));
  }

  /** Removes the run's dir: its record, report and anything else in it. */
  async remove(id: string): Promise<void> {
    if (!ID_PATTERN.test(id)) return;
    await rm(this.dir(id), { recursive: true, force: true });
  }
}

/** `running` records whose driver process is gone read as `interrupted`. */
export function runState(r: RunRecord): RunState {
  return r.status === 'running' && !(r.pid !== undefined && alive(r.pid)) ? 'interrupted' : r.status;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `20261122-143005-a1b2`: sortable, unique enough, valid in branch and file names. */
export function newRunId(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const date = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}
