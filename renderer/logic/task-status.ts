/** What each task status allows and how the run's tasks add up. */
import type { RunStatus, TaskStatus, TaskView } from '../../shared/bridge/views.js';

/** Statuses in which a task's session is live: it has a terminal that takes input. */
export const ACTIVE_STATUSES: ReadonlySet<TaskStatus> = new Set(['running', 'needs-input']);
/** Statuses a task never leaves on its own. */
export const FINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['merged', 'failed', 'blocked']);
/** Run statuses during which time and cost still grow. */
export const LIVE_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['planning', 'running']);

/** Every status in the order the legend lists them. */
export const STATUS_ORDER: readonly TaskStatus[] = ['waiting', 'dispatching', 'queued', 'running', 'needs-input', 'integrating', 'merged', 'failed', 'blocked'];

export function isActive(status: TaskStatus): boolean {
  return ACTIVE_STATUSES.has(status);
}

/** A task that has not ended yet can be cancelled. */
export function canCancel(status: TaskStatus): boolean {
  return !FINAL_STATUSES.has(status);
}

/** `task.retry` runs a failed or blocked task again. */
export function canRetry(status: TaskStatus): boolean {
  return status === 'failed' || status === 'blocked';
}

export interface Progress {
  merged: number;
  failed: number;
  total: number;
  needsInput: number;
}

export function progressOf(tasks: readonly TaskView[]): Progress {
  let merged = 0;
  let failed = 0;
  let needsInput = 0;
  for (const t of tasks) {
    if (t.status === 'merged') merged++;
    else if (t.status === 'failed' || t.status === 'blocked') failed++;
    else if (t.status === 'needs-input') needsInput++;
  }
  return { merged, failed, total: tasks.length, needsInput };
}

/** The run's cost so far: the driver's total, or the tasks' sum while it lags behind them. */
export function costOf(runCostUsd: number, tasks: readonly TaskView[]): number {
  const sum = tasks.reduce((a, t) => a + (t.costUsd ?? 0), 0);
  return Math.max(runCostUsd, sum);
}
