/** What a run reports as it goes: the contract between the run and its printers. */
import type { TaskResult } from '../../shared/protocol/control.js';

export type RunTaskStatus = 'waiting' | 'dispatching' | 'queued' | 'running' | 'needs-input' | 'integrating' | 'merged' | 'failed' | 'blocked';

export interface TaskReport {
  id: string;
  title: string;
  status: RunTaskStatus;
  agent?: string;
  base?: string;
  commit?: string | null;
  durationMs?: number;
  costUsd?: number;
  turns?: number;
  error?: string;
  conflicts?: string[];
  /** Ids of the tasks it ran after (the goal's `after:`). */
  after?: string[];
  /** How many times it was dispatched (1 without retries). */
  attempts?: number;
  /** The goal's verify command on its result, when it ran. */
  verify?: 'passed' | 'failed';
  /** Paths its result changed relative to its base. */
  filesChanged?: string[];
}

export interface RunSummary {
  runId: string;
  branch: string;
  base: string;
  ok: boolean;
  elapsedMs: number;
  costUsd: number;
  /** Cost and task count per agent. */
  agents: Array<{ agent: string; tasks: number; costUsd: number }>;
  tasks: TaskReport[];
}

export interface RunOutput {
  runStarted(info: { runId: string; branch: string; base: string; tasks: Array<{ id: string; title: string; after: string[] }> }): void;
  agentJoined(info: { name: string; peerId: string; slots: number }): void;
  agentLost(info: { name: string; peerId: string; reason: string }): void;
  taskStatus(task: TaskReport, detail?: string): void;
  /** A task's terminal output; a returned promise holds the task's stream until it resolves (flow control). */
  taskOutput(taskId: string, chunk: Uint8Array): void | Promise<void>;
  /** Each result an attempt reports (its session summary, verify output), before it is integrated. */
  taskResult?(taskId: string, result: TaskResult): void;
  warning(message: string): void;
  runFinished(summary: RunSummary, end?: RunEnd): void;
}

/** What happened after the tasks settled: the report, and the pull request asked for with `--pr`. */
export interface RunEnd {
  /** The run's Markdown report and where it was saved. */
  report?: { path: string; markdown: string };
  /** Refs kept under refs/claudecluster/<run>/: results of tasks that did not merge. */
  keptRefs?: string[];
  pullRequest?: PullRequestOutcome;
}

/**
 * `--pr`: `created` (pushed and opened), `pushed` (gh could not open it), `not-pushed`, or
 * `skipped` (the run did not succeed). Whenever it is not `created`, `instructions` are the
 * commands that finish the job by hand.
 */
export interface PullRequestOutcome {
  status: 'created' | 'pushed' | 'not-pushed' | 'skipped';
  url?: string;
  remote?: string;
  reason?: string;
  instructions?: string[];
}
