/** What a run reports as it goes: the contract between the run and its printers. */

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
  taskOutput(taskId: string, chunk: Uint8Array): void;
  warning(message: string): void;
  runFinished(summary: RunSummary): void;
}
