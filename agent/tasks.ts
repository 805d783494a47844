/**
 * The agent's tasks. A queue feeds `slots` sessions; each task gets a worktree at its base and
 * a Claude Code session in it. Every finished turn becomes a commit and a TaskResult for the
 * driver that started it; the session then stays open for follow-ups until the driver closes
 * it, it idles out, or it is cancelled. A session that has delivered its result no longer holds
 * a slot.
 */
import { EventEmitter } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { RPC_ERROR, RpcError, errorMessage } from '../shared/protocol/index.js';
import { taskKey, type TaskRef } from '../shared/protocol/common.js';
import { FINAL_STATES, type TaskResult, type TaskSpec, type TaskStateEvent, type TaskStateName } from '../shared/protocol/control.js';
import type { HookServer } from './hooks/server.js';
import { availableMemory, slotLimit } from './capacity.js';
import type { Session, SessionEvent } from './session.js';
import { TuiSession } from './tui-session.js';
import { HeadlessSession } from './headless-session.js';
import type { SessionState } from './session-state.js';
import { runStep, type StepResult } from './shell-step.js';
import { lastLines } from '../shared/lines.js';
import type { TaskRecord } from './task-records.js';
import { readBackTasks } from './task-restore.js';
import { chainStart, chainedAfter, nextInQueue } from './task-chain.js';
import { newTask, type Task } from './task.js';
import { collectResult, prepareWorktree, type WorktreeDeps } from './task-worktree.js';

export type { Task } from './task.js';

/** States saved to the task's record: what a restarted agent or a returning driver needs to know. */
const PERSISTED_STATES: ReadonlySet<TaskStateName> = new Set(['queued', 'done', 'failed', 'cancelled', 'exited']);

/** After an interrupt, how long a cancelled session gets before it is terminated, then killed. */
const CANCEL_GRACE_MS = 3_000;

export interface TaskEvents {
  state: [owner: string, event: TaskStateEvent];
  result: [owner: string, result: TaskResult];
}

export interface TaskManagerOptions extends WorktreeDeps {
  hooks: HookServer;
  slots: number;
  claudeBin: string;
  defaultMode: 'tui' | 'headless';
  /** Close a session this long after its last activity once it has delivered a result. */
  idleTimeoutMs: number;
  /** The environment sessions get: the agent's own, never anything a driver sent. */
  env(spec: TaskSpec): NodeJS.ProcessEnv;
  /** Makes sure no unattended Claude Code dialog waits in this worktree (trust, onboarding, API key). */
  prepare(worktree: string): Promise<void>;
}

export class TaskManager extends EventEmitter<TaskEvents> {
  private readonly tasks = new Map<string, Task>();
  private readonly queue: Task[] = [];
  private active = 0;

  constructor(private readonly opts: TaskManagerOptions) {
    super();
  }

  get slots(): number { return this.opts.slots; }
  get busy(): number { return this.active; }

  get(ref: TaskRef): Task | undefined {
    return this.tasks.get(taskKey(ref));
  }

  list(runId?: string): Task[] {
    return [...this.tasks.values()].filter((t) => runId === undefined || t.spec.runId === runId);
  }

  /**
   * Accepts a task (idempotent for the same driver); it starts when a slot is free. `saved`
   * settles once its record is on disk: only then may the driver be told it was accepted, as an
   * accepted task survives a restart.
   */
  async start(spec: TaskSpec, owner: string): Promise<{ task: Task; saved: Promise<void> }> {
    const key = taskKey(spec);
    const existing = this.tasks.get(key);
    if (existing) {
      if (existing.owner !== owner) throw new RpcError(RPC_ERROR.busy, `task ${key} belongs to another driver`);
      return { task: existing, saved: existing.record.written() };
    }
    const dep = spec.chainAfter === undefined ? undefined : this.get({ runId: spec.runId, taskId: spec.chainAfter });
    if (spec.chainAfter !== undefined && (!dep || dep.owner !== owner || dep.spec.repoId !== spec.repoId)) {
      throw new RpcError(RPC_ERROR.notFound, `there is no task ${spec.chainAfter} of yours in run ${spec.runId} on this agent to start after`);
    }
    const needed = [['base', spec.base], ...(spec.mergeIn ?? []).map((c) => ['mergeIn', c] as const), ['mergeFrom', spec.mergeFrom]] as const;
    for (const [what, commit] of needed) {
      if (commit && !(await this.opts.repos.hasCommit(spec.repoId, commit))) throw new RpcError(RPC_ERROR.notFound, `${what} commit ${commit} is not in this agent's cache; send it first (repo.apply)`);
    }
    const dir = this.opts.paths.task(key);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const headless = (spec.session.mode ?? this.opts.defaultMode) === 'headless';
    const task = newTask(dir, spec, owner, headless);
    this.tasks.set(key, task);
    this.queue.push(task);
    const saved = this.setState(task, 'queued') ?? this.persist(task);
    if (dep) this.settleChain(task, dep);
    // The session need not wait for the disk.
    this.pump();
    return { task, saved };
  }

  /** Input typed into a task's pane; activity keeps an idle session open. */
  input(task: Task, data: string): void {
    this.touch(task);
    task.session?.write(data);
  }

  /**
   * Takes back the tasks an earlier run of this agent left on disk (see task-restore.ts). Their
   * sessions died with it: one still working ends failed (its driver retries it), one waiting for
   * a follow-up ends exited. Returns what could not be read.
   */
  async restore(): Promise<string[]> {
    const { tasks, problems } = await readBackTasks(this.opts.paths.tasks, this.opts.repos);
    for (const task of tasks) {
      this.tasks.set(task.key, task);
      if (task.state === 'done') this.setState(task, 'exited', 'the agent restarted');
      else if (!FINAL_STATES.has(task.state)) this.report(task, { ok: false, commit: null, error: 'the agent restarted while the task ran: its session was lost' }, 'failed');
    }
    return problems;
  }

  /**
   * The owner has the task's results up to `turn`: their bundles are no longer kept (the record
   * and log stay until the task expires).
   */
  async ack(ref: TaskRef, owner: string, turn: number): Promise<boolean> {
    const task = this.get(ref);
    if (!task || task.owner !== owner || turn > task.turns) return false;
    if (turn <= task.acked) return true;
    const done = task.results.filter((r) => r.turn > task.acked && r.turn <= turn);
    task.acked = turn;
    await this.persist(task);
    const stillNeeded = new Set([...this.tasks.values()].flatMap((t) => t.results.filter((r) => r.turn > t.acked)).map((r) => r.bundle?.sha256));
    for (const r of done) {
      if (r.bundle && !stillNeeded.has(r.bundle.sha256)) await rm(this.opts.blobs.path(r.bundle.sha256), { force: true });
    }
    return true;
  }

  /** Results the owner has not acknowledged yet, in turn order. */
  pending(task: Task): TaskResult[] {
    return task.results.filter((r) => r.turn > task.acked);
  }

  cancel(ref: TaskRef, owner: string): boolean {
    const task = this.get(ref);
    if (!task || task.owner !== owner || FINAL_STATES.has(task.state)) return false;
    task.cancelRequested = true;
    const queued = this.queue.indexOf(task);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.report(task, { ok: false, commit: null, error: 'cancelled before it started' }, 'cancelled');
      task.log.end();
      return true;
    }
    const session = task.session;
    if (session) {
      session.interrupt();
      setTimeout(() => session.close('SIGTERM'), CANCEL_GRACE_MS).unref();
      setTimeout(() => session.close('SIGKILL'), 2 * CANCEL_GRACE_MS).unref();
    }
    return true;
  }

  /** A new turn for a session waiting for one; false when there is none or it is busy. */
  followUp(ref: TaskRef, owner: string, text: string): boolean {
    const task = this.get(ref);
    if (!task || task.owner !== owner || !task.session) return false;
    this.touch(task);
    return task.session.followUp(text);
  }

  /** The run that started it is over: end its session. */
  close(ref: TaskRef, owner: string): boolean {
    const task = this.get(ref);
    if (!task || task.owner !== owner || !task.session) return false;
    task.session.close();
    return true;
  }

  /** Ends every session (agent shutdown). */
  async stop(): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const t of this.tasks.values()) {
      if (!t.session) continue;
      const s = t.session;
      waits.push(new Promise((r) => s.on('event', (e) => { if (e.type === 'exit') r(undefined); })));
      s.close();
    }
    await Promise.allSettled(waits);
  }

  private pump(): void {
    // Fewer sessions at once when memory is short; the tasks held back say why.
    const limit = this.queue.length > 0 ? slotLimit(this.opts.slots, availableMemory()) : { slots: this.opts.slots };
    for (let next = nextInQueue(this.queue); this.active < limit.slots && next !== -1; next = nextInQueue(this.queue)) {
      const task = this.queue.splice(next, 1)[0]!;
      this.active++;
      task.holdsSlot = true;
      task.startedAt = Date.now();
      this.launch(task).catch((err) => {
        this.report(task, { ok: false, commit: null, error: errorMessage(err) }, 'failed');
        this.ended(task);
      });
    }
    if (limit.reason) for (const task of this.queue) this.setState(task, 'queued', limit.reason);
  }

  private releaseSlot(task: Task): void {
    if (!task.holdsSlot) return;
    task.holdsSlot = false;
    this.active--;
    this.pump();
  }

  private async launch(task: Task): Promise<void> {
    const { spec } = task;
    this.setState(task, 'starting');
    const worktree = await prepareWorktree(this.opts, task, this.opts.env(spec));
    await this.opts.prepare(worktree);
    const sessionSpec = {
      bin: this.opts.claudeBin, prompt: spec.prompt, cwd: worktree, options: spec.session,
      log: task.log, env: this.opts.env(spec), niceness: this.opts.niceness, hooks: this.opts.hooks, ...(task.rawLog ? { rawLog: task.rawLog } : {}),
    };
    const session: Session = task.rawLog ? new HeadlessSession(sessionSpec) : new TuiSession(sessionSpec);
    task.session = session;
    session.on('event', (e) => this.onSessionEvent(task, e));
    session.start();
  }

  private onSessionEvent(task: Task, e: SessionEvent): void {
    switch (e.type) {
      case 'state':
        if (e.state === 'failed' || e.state === 'exited') return; // reported with the turn or the exit
        this.setState(task, e.state satisfies Exclude<SessionState, 'failed' | 'exited'>, e.detail, e.hookSentAt);
        if (e.state === 'working') this.touch(task);
        return;
      case 'cost':
        task.costUsd = e.costUsd;
        this.setState(task, task.state);
        return;
      case 'turn':
        this.after(task, () => this.finishTurn(task, e.ok, e.summary, e.error));
        return;
      case 'exit':
        this.after(task, async () => {
          if (!task.result) {
            await this.commitTurn(task, false, null, task.cancelRequested ? 'cancelled' : `the session ended (exit code ${e.exitCode}) before finishing its first turn`);
          } else if (!FINAL_STATES.has(task.state)) {
            this.setState(task, 'exited');
          }
          this.ended(task);
        });
        return;
    }
  }

  private after(task: Task, fn: () => Promise<void>): void {
    task.chain = task.chain.then(fn).catch((err) => {
      this.report(task, { ok: false, commit: null, error: errorMessage(err) }, 'failed');
      task.session?.close();
    });
  }

  /**
   * After a good turn, the goal's verify runs in the worktree; a failure goes back to the session
   * as a follow-up turn (up to verifyRetries times) before the task fails.
   */
  private async finishTurn(task: Task, ok: boolean, summary: TaskResult['session'], error?: string): Promise<void> {
    const { spec } = task;
    if (!ok || FINAL_STATES.has(task.state) || !task.worktree) return this.commitTurn(task, ok, summary, error);
    const markers = spec.mergeFrom ? await this.opts.repos.conflictMarkers(task.worktree) : [];
    if (markers.length > 0) return this.retryOrFail(task, summary, `conflict markers are still in ${markers.join(', ')}`, undefined);
    if (!spec.verify) return this.commitTurn(task, true, summary);
    const verify = await runStep('verify', spec.verify, task.worktree, this.opts.env(spec), task.log, this.opts.niceness);
    if (verify.ok) return this.commitTurn(task, true, summary, undefined, verify);
    return this.retryOrFail(task, summary, `the verify command \`${spec.verify}\` failed (exit ${verify.exitCode ?? 'signal'})`, verify);
  }

  private async retryOrFail(task: Task, summary: TaskResult['session'], problem: string, verify: StepResult | undefined): Promise<void> {
    const allowed = task.spec.verifyRetries ?? 0;
    if (task.verifyFailures < allowed && task.session) {
      task.verifyFailures++;
      const text = `${problem}. Please fix it.${verify ? `\nIts output ended with:\n${verify.tail}` : ''}`;
      if (task.session.followUp(text)) {
        this.setState(task, 'working', `${problem}: follow-up ${task.verifyFailures} of ${allowed}`);
        return;
      }
    }
    const tries = task.verifyFailures > 0 ? ` after ${task.verifyFailures} follow-up${task.verifyFailures === 1 ? '' : 's'}` : '';
    return this.commitTurn(task, false, summary, `${problem}${tries}: ${lastLines(verify?.tail ?? '')}`, verify);
  }

  /** Commits the worktree after a turn and reports the result; a failed turn ends the session. */
  private async commitTurn(task: Task, ok: boolean, summary: TaskResult['session'], error?: string, verify?: StepResult): Promise<void> {
    if (FINAL_STATES.has(task.state)) return;
    this.setState(task, 'committing');
    const { commit, bundle, inline } = await collectResult(this.opts, task);
    const cancelled = task.cancelRequested === true;
    const failed = cancelled || !ok;
    this.report(task, {
      ok: !failed, commit, bundle, session: summary,
      ...(verify ? { verify: { ok: verify.ok, exitCode: verify.exitCode, tail: verify.tail } } : {}),
      ...(failed ? { error: cancelled ? 'cancelled' : error ?? 'the session failed' } : {}),
    }, cancelled ? 'cancelled' : failed ? 'failed' : 'done', inline);
    if (failed) task.session?.close();
    else this.touch(task);
    this.releaseSlot(task);
    this.limitIdle();
  }

  /** `inline`: the result's bundle, small enough to go with the live event (never stored with the task, nor listed again). */
  private report(task: Task, r: Pick<TaskResult, 'ok' | 'commit'> & Partial<TaskResult>, state: TaskStateName, inline?: string): void {
    const { spec } = task;
    task.turns++;
    task.result = {
      runId: spec.runId, taskId: spec.taskId, turn: task.turns, base: task.startedFrom ?? spec.base, bundle: null, exitCode: null, session: null,
      logBytes: task.log.size, durationMs: Date.now() - task.startedAt, ...r,
    };
    const result = task.result;
    task.results.push(result);
    const saved = this.setState(task, state, result.error) ?? this.persist(task);
    for (const chained of this.queue.filter((t) => !t.chainFrom && chainedAfter(t, task))) this.settleChain(chained, task);
    // The driver hears of a result only once it is on disk: it can always collect it again.
    const live = inline && result.bundle ? { ...result, bundle: { ...result.bundle, inline } } : result;
    void saved.then(() => this.emit('result', task.owner, live));
  }

  /** A task chained after `dep` is ready to take the next slot, or fails now when `dep` will never give it a start. */
  private settleChain(task: Task, dep: Task): void {
    const start = chainStart(dep, task.spec);
    if (start === 'wait') return;
    if (start !== 'never') {
      task.chainFrom = start;
      return;
    }
    this.queue.splice(this.queue.indexOf(task), 1);
    this.report(task, { ok: false, commit: null, error: `${dep.spec.taskId}, which it was to start after, ended without a commit to start from` }, 'failed');
    task.log.end();
  }

  /** The session is gone: free its slot, worktree and logs. */
  private ended(task: Task): void {
    clearTimeout(task.idleTimer);
    task.session = undefined;
    task.log.end();
    task.rawLog?.end();
    this.releaseSlot(task);
    const worktree = task.worktree;
    task.worktree = undefined;
    if (worktree) void this.opts.repos.releaseWorktree(task.spec.repoId, worktree);
  }

  /** Sessions waiting for a follow-up hold memory but no slot: at most `slots` stay, longest idle closed first. */
  private limitIdle(): void {
    const idle = [...this.tasks.values()].filter((t) => t.session && !t.holdsSlot && t.state === 'done').sort((a, b) => a.lastActive - b.lastActive);
    for (const t of idle.slice(0, Math.max(0, idle.length - this.opts.slots))) t.session?.close();
  }

  /** Restarts the idle timer of a session that has delivered a result. */
  private touch(task: Task): void {
    task.lastActive = Date.now();
    clearTimeout(task.idleTimer);
    if (!task.result || !task.session) return;
    const session = task.session;
    task.idleTimer = setTimeout(() => session.close(), this.opts.idleTimeoutMs);
    task.idleTimer.unref();
  }

  /** Saves the task's record; a failure (a full disk) is told to the owner but never stops the task. */
  private async persist(task: Task): Promise<void> {
    const record: TaskRecord = { version: 1, spec: task.spec, owner: task.owner, state: task.state, costUsd: task.costUsd, results: task.results, acked: task.acked };
    await task.record.save(record).catch((err: Error) => {
      this.emit('state', task.owner, { runId: task.spec.runId, taskId: task.spec.taskId, state: task.state, at: Date.now(), detail: `could not save the task's record: ${err.message}`.slice(0, 2000) });
    });
  }

  /** Tells the owner; returns the record's save when a restart must know of this change. */
  private setState(task: Task, state: TaskStateName, detail?: string, hookSentAt?: number): Promise<void> | undefined {
    const changed = task.state !== state;
    task.state = state;
    // Saved when it matters after a restart: accepted, each result, the end. Not every working ⇄ needs-input.
    const saved = changed && PERSISTED_STATES.has(state) ? this.persist(task) : undefined;
    const event: TaskStateEvent = {
      runId: task.spec.runId, taskId: task.spec.taskId, state, at: Date.now(), costUsd: task.costUsd,
      ...(detail ? { detail: detail.slice(0, 2000) } : {}), ...(hookSentAt ? { hookSentAt } : {}),
    };
    this.emit('state', task.owner, event);
    return saved;
  }
}
