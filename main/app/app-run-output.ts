/**
 * The app's `RunOutput`: what a run reports becomes bridge events (`task.status`, `notice`), each
 * task's terminal a `TaskTermOutput` panes attach to (and a log file for `task.log`), and each
 * result's last answer and verify output what the task's detail view shows.
 */
import type { BridgeEvent, BridgeEventPayload } from '../../shared/bridge/contract.js';
import type { TaskView } from '../../shared/bridge/views.js';
import type { TaskResult } from '../../shared/protocol/control.js';
import type { RunOutput, TaskReport } from '../driver/run-output.js';
import { TaskTermOutput } from './term-feed.js';
import { TaskLogWriter } from './task-log.js';
import { toTaskView, type TaskExtras } from './run-files.js';
import { dim } from '../../shared/ansi.js';

/** Sends an event to every client of the app. */
export type Emit = <E extends BridgeEvent>(event: E, payload: BridgeEventPayload<E>) => void;

/** Longest message a `notice` may carry (the contract's cap). */
export const MAX_NOTICE_CHARS = 4000;

export interface AppRunOutputDeps {
  runId: string;
  runDir: string;
  emit: Emit;
  /** The run has made its branch and starts dispatching. */
  onStarted(): void;
  /** A task's status changed (agents' slots in use may have too). */
  onTaskChanged(): void;
}

export class AppRunOutput implements RunOutput {
  private readonly tasks = new Map<string, TaskView>();
  private readonly terms = new Map<string, TaskTermOutput>();
  private readonly results = new Map<string, Omit<TaskExtras, 'prompt'>>();
  private readonly logs: TaskLogWriter;

  constructor(private readonly deps: AppRunOutputDeps, goalTasks: ReadonlyArray<{ id: string; title: string; after: string[] }>) {
    this.logs = new TaskLogWriter(deps.runDir);
    for (const t of goalTasks) this.tasks.set(t.id, { id: t.id, title: t.title, status: 'waiting', after: t.after });
  }

  /** Every task as it stands, in goal order. */
  views(): TaskView[] {
    return [...this.tasks.values()];
  }

  view(taskId: string): TaskView | undefined {
    return this.tasks.get(taskId);
  }

  /** The task's terminal (made on first use); undefined for a task the run does not have. */
  term(taskId: string): TaskTermOutput | undefined {
    if (!this.tasks.has(taskId)) return undefined;
    let term = this.terms.get(taskId);
    if (!term) this.terms.set(taskId, (term = new TaskTermOutput()));
    return term;
  }

  /** What the task's results said: its last answer and verify output. */
  extras(taskId: string): Omit<TaskExtras, 'prompt'> {
    return this.results.get(taskId) ?? {};
  }

  runStarted(): void {
    this.deps.onStarted();
  }

  agentJoined(): void {
    // Agents are the agent directory's to report (agents.changed), not each run's.
  }

  agentLost(): void {
    // As above: the directory reports lost agents once, not once per run.
  }

  taskStatus(report: TaskReport, detail?: string): void {
    const view = toTaskView(report);
    const before = this.tasks.get(view.id);
    // A new attempt writes on under the last one: a line between them says which it is.
    if (view.status === 'dispatching' && (view.attempts ?? 1) > 1 && before?.status !== 'dispatching') {
      const line = `\r\n${dim(`── attempt ${view.attempts}${view.agent ? ` on ${view.agent}` : ''} ──`)}\r\n`;
      this.term(view.id)?.writeText(line);
      this.logs.write(view.id, line);
    }
    this.tasks.set(view.id, view);
    this.deps.emit('task.status', { runId: this.deps.runId, task: view, ...(detail ? { detail } : {}) });
    this.deps.onTaskChanged();
  }

  /** A promise while a pane asks to hold the task's output (the caller reads no more until it resolves). */
  taskOutput(taskId: string, chunk: Uint8Array): Promise<void> | undefined {
    this.logs.write(taskId, chunk);
    return this.term(taskId)?.write(chunk);
  }

  taskResult(taskId: string, result: TaskResult): void {
    const prev = this.results.get(taskId) ?? {};
    this.results.set(taskId, {
      ...prev,
      ...(result.session?.text !== undefined ? { transcript: result.session.text } : {}),
      ...(result.verify ? { verifyOutput: result.verify.tail } : {}),
    });
  }

  warning(message: string): void {
    this.deps.emit('notice', { level: 'warning', message: message.slice(0, MAX_NOTICE_CHARS), runId: this.deps.runId });
  }

  runFinished(): void {
    // The live run reports the end itself, once the report is written (run.finished).
  }

  /** The run is over: terminals flush what they hold (panes can still attach), logs close. */
  async close(): Promise<void> {
    for (const term of this.terms.values()) term.end();
    await this.logs.close();
  }
}
