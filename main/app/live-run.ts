/**
 * A run the app started, as the app sees it from start to end: the driver's `Run` reporting
 * through an `AppRunOutput`, its record written at the start and completed at the end (with the
 * report, as `claudecluster run` does), and what the app keeps of it for later (run-files.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Goal } from '../../shared/goal/types.js';
import { composePrompt } from '../../shared/goal/index.js';
import type { RunListItem, RunStatus, RunView, TaskView } from '../../shared/bridge/views.js';
import { Run } from '../driver/run.js';
import type { AgentPool } from '../driver/pool.js';
import type { DriverStore } from '../driver/store.js';
import type { UserRepo } from '../driver/user-repo.js';
import type { RunSummary } from '../driver/run-output.js';
import { finishRun, startRunRecord } from '../driver/after-run.js';
import { RunRecords, type RunRecord } from '../driver/run-records.js';
import { AppRunOutput, MAX_NOTICE_CHARS, type Emit } from './app-run-output.js';
import { DETAILS_FILE, GOAL_FILE, listItem, saveDetails, type TaskExtras } from './run-files.js';
import { LOGS_DIR } from './task-log.js';
import type { TaskTermOutput } from './term-feed.js';
import type { ResumeState } from '../driver/run-resume.js';

/** Statuses in which a task holds a slot on its agent. */
const ON_AGENT: ReadonlySet<TaskView['status']> = new Set(['dispatching', 'queued', 'running', 'needs-input']);

export interface LiveRunStart {
  store: DriverStore;
  pool: AgentPool;
  runId: string;
  /** The goal's file name and text as the renderer gave them. */
  goalName: string;
  goalText: string;
  goal: Goal;
  repo: UserRepo;
  base: string;
  emit: Emit;
  /** A task's status changed (for the agents' slots in use). */
  onTaskChanged(): void;
  /** Continue a run that was cut short, from its journal. */
  resume?: ResumeState;
}

export class LiveRun {
  readonly runId: string;
  readonly startedAt: Date;
  /** Resolves once the run has ended and everything about it is saved. */
  done: Promise<void> = Promise.resolve();
  private status: RunStatus = 'running';
  private finishedAt: number | undefined;
  private report: string | undefined;
  private cancelled = false;
  private readonly out: AppRunOutput;
  private readonly run: Run;

  private constructor(private readonly s: LiveRunStart, private readonly record: RunRecord) {
    this.runId = s.runId;
    this.startedAt = new Date(record.startedAt);
    const runDir = s.store.runDir(s.runId);
    this.out = new AppRunOutput({
      runId: s.runId, runDir, emit: s.emit,
      onStarted: () => s.emit('run.started', { run: this.view() }),
      onTaskChanged: s.onTaskChanged,
    }, s.goal.tasks);
    this.run = new Run({
      runId: s.runId, goal: s.goal, repo: s.repo, base: s.base, runDir, pool: s.pool, out: this.out,
      ...(s.goal.budgetUsd ? { budgetUsd: s.goal.budgetUsd } : {}), ...(s.resume ? { resume: s.resume } : {}),
    });
  }

  /** Saves the goal and the run's record, then starts the run; returns at once. */
  static async start(s: LiveRunStart): Promise<LiveRun> {
    const runDir = s.store.runDir(s.runId);
    await mkdir(runDir, { recursive: true, mode: 0o700 });
    await writeFile(join(runDir, GOAL_FILE), s.goalText, { mode: 0o600 });
    const record = await startRunRecord({ store: s.store, runId: s.runId, goal: s.goal, goalPath: join(runDir, GOAL_FILE), repoRoot: s.repo.root, base: s.base });
    const live = new LiveRun(s, record);
    live.done = live.execute();
    return live;
  }

  /** Takes up a run that was cut short (its record already taken over); returns at once. */
  static resume(s: LiveRunStart & { resume: ResumeState }, record: RunRecord): LiveRun {
    const live = new LiveRun(s, record);
    live.done = live.execute();
    return live;
  }

  /** The user's repository the run works in. */
  get repoRoot(): string {
    return this.s.repo.root;
  }

  get open(): boolean {
    return this.finishedAt === undefined;
  }

  view(): RunView {
    const tasks = this.out.views();
    return {
      runId: this.runId, goalName: this.s.goalName, goalTitle: this.s.goal.title, branch: this.record.branch, base: this.s.base,
      status: this.status, startedAt: this.startedAt.toISOString(), elapsedMs: (this.finishedAt ?? Date.now()) - this.startedAt.getTime(),
      costUsd: tasks.reduce((sum, t) => sum + (t.costUsd ?? 0), 0), tasks, ...(this.report !== undefined ? { report: this.report } : {}),
    };
  }

  listItem(): RunListItem {
    const tasks = this.out.views();
    const count = (s: TaskView['status']): number => tasks.filter((t) => t.status === s).length;
    const view = this.view();
    return {
      ...listItem(this.record, this.status), costUsd: view.costUsd,
      tasks: { total: tasks.length, merged: count('merged'), failed: count('failed'), blocked: count('blocked') },
      ...(this.finishedAt !== undefined ? { finishedAt: new Date(this.finishedAt).toISOString() } : {}),
    };
  }

  task(taskId: string): TaskView | undefined {
    return this.out.view(taskId);
  }

  term(taskId: string): TaskTermOutput | undefined {
    return this.out.term(taskId);
  }

  /** The prompt the task's session got, and what its results said. */
  extras(taskId: string): TaskExtras | undefined {
    const task = this.s.goal.tasks.find((t) => t.id === taskId);
    return task ? { prompt: composePrompt(this.s.goal, task), ...this.out.extras(taskId) } : undefined;
  }

  /** Tasks of this run on the agent called `agentName` now. */
  onAgent(agentName: string): number {
    return this.open ? this.out.views().filter((t) => t.agent === agentName && ON_AGENT.has(t.status)).length : 0;
  }

  backedOffUntil(peerId: string): number | undefined {
    return this.open ? this.run.agentBackedOffUntil(peerId) : undefined;
  }

  cancel(): void {
    if (!this.open) return;
    this.cancelled = true;
    this.run.cancel('cancelled');
    // A session waiting for input is on its agent too: cancel it there as well.
    for (const t of this.out.views()) if (t.status === 'needs-input') this.run.cancelTask(t.id, 'cancelled');
  }

  cancelTask(taskId: string): boolean {
    return this.open && this.run.cancelTask(taskId, 'cancelled');
  }

  retryTask(taskId: string): boolean {
    return this.open && this.run.retryTask(taskId);
  }

  /** Types into the task's session; false when it has none on an agent now. */
  async input(taskId: string, data: string): Promise<boolean> {
    const status = this.out.view(taskId)?.status;
    if (!this.open || status === undefined || !ON_AGENT.has(status)) return false;
    await this.run.input(taskId, data);
    return true;
  }

  /** Resizes the task's terminal; a task without a session now has nothing to resize. */
  async resize(taskId: string, cols: number, rows: number): Promise<void> {
    const status = this.out.view(taskId)?.status;
    if (this.open && status !== undefined && ON_AGENT.has(status)) await this.run.resize(taskId, cols, rows);
  }

  private async execute(): Promise<void> {
    const { store, runId, emit } = this.s;
    const warn = (message: string): void => emit('notice', { level: 'warning', message: message.slice(0, MAX_NOTICE_CHARS), runId });
    let summary: RunSummary | undefined;
    try {
      summary = await this.run.execute();
    } catch (err) {
      emit('notice', { level: 'error', message: `run ${runId} stopped: ${(err as Error).message}`.slice(0, MAX_NOTICE_CHARS), runId });
    }
    await this.out.close();
    if (summary) {
      const end = await finishRun(this.record, summary, { store, goal: this.s.goal, pr: false, warn, keep: [LOGS_DIR, DETAILS_FILE, GOAL_FILE] });
      this.report = end.report?.markdown;
    } else {
      const { pid: _pid, ...rest } = this.record;
      await new RunRecords(store).write({ ...rest, status: 'failed', finishedAt: new Date().toISOString() }).catch((err: Error) => warn(`could not save the run record: ${err.message}`));
    }
    this.status = this.cancelled ? 'cancelled' : summary?.ok ? 'ok' : 'failed';
    this.finishedAt = Date.now();
    const extras = Object.fromEntries(this.s.goal.tasks.map((t) => [t.id, this.extras(t.id)!]));
    await saveDetails(store.runDir(runId), { version: 1, goalName: this.s.goalName, status: this.status, tasks: this.out.views(), extras })
      .catch((err: Error) => warn(`could not save the run's tasks: ${err.message}`));
    emit('run.finished', { run: this.view() });
  }
}
