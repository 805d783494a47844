/** What the renderer shows of runs and tasks: plain data, the same over IPC and WebSocket. */
import { z } from 'zod';
import { Id } from '../protocol/common.js';

/** Longest text field the bridge carries for a diff side, a transcript or a verify output. */
export const MAX_VIEW_TEXT_CHARS = 2 * 1024 * 1024;

export const TaskStatus = z.enum(['waiting', 'dispatching', 'queued', 'running', 'needs-input', 'integrating', 'merged', 'failed', 'blocked']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** One task of a run as it stands (the driver's `TaskReport`). */
export const TaskView = z.object({
  id: Id,
  title: z.string(),
  status: TaskStatus,
  agent: z.string().optional(),
  base: z.string().optional(),
  commit: z.string().nullable().optional(),
  durationMs: z.number().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
  turns: z.number().int().nonnegative().optional(),
  error: z.string().optional(),
  conflicts: z.array(z.string()).optional(),
  after: z.array(z.string()).optional(),
  attempts: z.number().int().nonnegative().optional(),
  verify: z.enum(['passed', 'failed']).optional(),
  filesChanged: z.array(z.string()).optional(),
}).strict();
export type TaskView = z.infer<typeof TaskView>;

export const RunStatus = z.enum(['planning', 'running', 'ok', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunView = z.object({
  runId: Id,
  goalName: z.string(),
  goalTitle: z.string(),
  branch: z.string(),
  base: z.string(),
  status: RunStatus,
  /** ISO time. */
  startedAt: z.string(),
  elapsedMs: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
  tasks: z.array(TaskView),
  /** The run report (Markdown), once the run has ended. */
  report: z.string().optional(),
}).strict();
export type RunView = z.infer<typeof RunView>;

/** A past or current run in the history list. */
export const RunListItem = z.object({
  runId: Id,
  goalTitle: z.string(),
  repo: z.string(),
  branch: z.string(),
  status: RunStatus,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  tasks: z.object({ total: z.number().int(), merged: z.number().int(), failed: z.number().int(), blocked: z.number().int() }).strict(),
  costUsd: z.number().nonnegative(),
}).strict();
export type RunListItem = z.infer<typeof RunListItem>;

/** One file a task's result changed, with both sides for a side-by-side view. */
export const FileDiff = z.object({
  path: z.string(),
  /** For renames: where it came from. */
  oldPath: z.string().optional(),
  change: z.enum(['added', 'modified', 'deleted', 'renamed']),
  binary: z.boolean(),
  /** Unified diff (`git diff` of the file), capped. */
  patch: z.string().max(MAX_VIEW_TEXT_CHARS),
  /** Whole file before and after, for a side-by-side view; absent when binary or too large. */
  before: z.string().max(MAX_VIEW_TEXT_CHARS).optional(),
  after: z.string().max(MAX_VIEW_TEXT_CHARS).optional(),
}).strict();
export type FileDiff = z.infer<typeof FileDiff>;

/** Everything the task detail view shows. */
export const TaskDetail = z.object({
  runId: Id,
  task: TaskView,
  prompt: z.string(),
  files: z.array(FileDiff),
  /** What Claude Code answered last (its final message), when known. */
  transcript: z.string().max(MAX_VIEW_TEXT_CHARS).optional(),
  /** The verify command's output tail, when it ran. */
  verifyOutput: z.string().max(MAX_VIEW_TEXT_CHARS).optional(),
}).strict();
export type TaskDetail = z.infer<typeof TaskDetail>;
