/**
 * What the app keeps of a run beside its record and report (run-records.ts), in the run's dir:
 * the goal as it was started (`goal.md`) and, once it ends, every task as it stood with its
 * prompt, last answer and verify output (`tasks.json`, versioned). From these, a run that is no
 * longer open reads back as the same `RunView` and `TaskDetail` a live one has.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { RunStatus, TaskView, MAX_VIEW_TEXT_CHARS, type RunListItem, type RunView } from '../../shared/bridge/views.js';
import { Id } from '../../shared/protocol/common.js';
import { readJsonFile, writeJsonFile } from '../../shared/node/json-file.js';
import type { DriverStore } from '../driver/store.js';
import type { TaskReport } from '../driver/run-output.js';
import { RunRecords, runState, type RunRecord } from '../driver/run-records.js';

/** The goal's text as the run was started with it. */
export const GOAL_FILE = 'goal.md';
/** The tasks as they stood when the run ended. */
export const DETAILS_FILE = 'tasks.json';

/** What the detail view shows of a task besides its diff. */
export const TaskExtras = z.object({
  prompt: z.string(),
  transcript: z.string().max(MAX_VIEW_TEXT_CHARS).optional(),
  verifyOutput: z.string().max(MAX_VIEW_TEXT_CHARS).optional(),
}).strict();
export type TaskExtras = z.infer<typeof TaskExtras>;

const RunDetails = z.object({
  version: z.literal(1),
  goalName: z.string(),
  status: RunStatus,
  tasks: z.array(TaskView),
  extras: z.record(Id, TaskExtras),
}).strict();
export type RunDetails = z.infer<typeof RunDetails>;

/** A driver task report as the bridge carries it: only the view's fields, none undefined. */
export function toTaskView(t: TaskReport): TaskView {
  const view: Record<string, unknown> = { id: t.id, title: t.title, status: t.status };
  const optional = ['agent', 'base', 'commit', 'durationMs', 'costUsd', 'turns', 'error', 'conflicts', 'after', 'attempts', 'verify', 'filesChanged'] as const;
  for (const key of optional) if (t[key] !== undefined) view[key] = t[key];
  return view as TaskView;
}

export async function saveDetails(runDir: string, details: RunDetails): Promise<void> {
  await writeJsonFile(join(runDir, DETAILS_FILE), details);
}

/** The saved details of a run, or undefined when there are none or they cannot be read. */
export async function readDetails(runDir: string): Promise<RunDetails | undefined> {
  try {
    return await readJsonFile(join(runDir, DETAILS_FILE), RunDetails.optional(), undefined);
  } catch {
    return undefined; // Damaged or from another version: the run still reads back from its record.
  }
}

/** A run that is not open in this app, read back from its record, report and details. */
export async function pastRunView(store: DriverStore, runId: string): Promise<RunView | undefined> {
  const records = new RunRecords(store);
  const record = await records.read(runId).catch(() => undefined);
  if (!record) return undefined;
  const details = await readDetails(records.dir(runId));
  const report = await readFile(records.reportFile(runId), 'utf8').catch(() => undefined);
  const ended = record.finishedAt ? Date.parse(record.finishedAt) : Date.now();
  return {
    runId, goalName: details?.goalName ?? basename(record.goalFile), goalTitle: record.goalTitle,
    branch: record.branch, base: record.base, status: details?.status ?? runState(record),
    startedAt: record.startedAt, elapsedMs: Math.max(0, ended - Date.parse(record.startedAt)), costUsd: record.costUsd,
    tasks: details?.tasks ?? [], ...(report !== undefined ? { report } : {}),
  };
}

/** A run's line in the history list, from its record. */
export function listItem(record: RunRecord, status: RunStatus = runState(record)): RunListItem {
  return {
    runId: record.id, goalTitle: record.goalTitle, repo: record.repo, branch: record.branch, status,
    startedAt: record.startedAt, ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    tasks: record.tasks, costUsd: record.costUsd,
  };
}

/** Every run with a record, newest first, with the cancelled ones the app saved as such. */
export async function pastRuns(store: DriverStore): Promise<RunListItem[]> {
  const records = new RunRecords(store);
  const rows = await records.list();
  return Promise.all(rows.filter((r) => r.record).map(async (r) => {
    const record = r.record!;
    const details = record.status === 'failed' ? await readDetails(records.dir(record.id)) : undefined;
    return listItem(record, details?.status === 'cancelled' ? 'cancelled' : runState(record));
  }));
}
