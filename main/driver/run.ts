/**
 * One run of a goal: validated tasks go to agents as their dependencies merge; results are
 * integrated one by one into `claudecluster/<run>` (and verified there, when the goal says how);
 * the run ends when every task has merged, failed or become blocked. A failed attempt is retried
 * after a backoff on another agent; a merge conflict becomes a resolution attempt on the
 * current head; an identical task done before reuses that result.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Goal } from '../../shared/goal/types.js';
import { taskTimeoutMs } from '../../shared/goal/index.js';
import type { TaskStateEvent } from '../../shared/protocol/control.js';
import { git } from '../../shared/node/git.js';
import type { AgentClient } from './agent-client.js';
import type { AgentPool } from './pool.js';
import { Integrator } from './integrator.js';
import { RepoSync } from './sync.js';
import { RemoteTask } from './remote-task.js';
import type { TaskResult } from '../../shared/protocol/control.js';
import { AgentHealth, assign, blockedTasks, retryDelayMs, tasksToRetry } from './scheduler.js';
import { ResultReuse } from './reuse.js';
import { EarlyStarts } from './early-start.js';
import { attemptSpec, costByAgent, newRunTask, toReport, type RunTask } from './run-task.js';
import type { UserRepo } from './user-repo.js';
import type { RunOutput, RunSummary, TaskReport } from './run-output.js';
import { integrate } from './run-merge.js';
import { DEFAULT_AGENT_TIMEOUT_MS } from './agent-loss.js';
import { RunRecovery } from './run-recovery.js';
import { RunJournal } from './run-journal.js';
import type { ResumeState } from './run-resume.js';
import type { RemoteTaskProgress } from './remote-task.js';
import type { TaskSpec } from '../../shared/protocol/control.js';

/** With no agent connected and nothing running, how long to wait for one before giving up. */
export const NO_AGENT_GRACE_MS = 15_000;
/** Retries of a failed task unless the goal says otherwise (`retries`). */
export const DEFAULT_RETRIES = 2;
/** Follow-up turns a failing verify may trigger unless the goal says otherwise (`verify_retries`). */
export const DEFAULT_VERIFY_RETRIES = 2;
/** Tasks an agent may hold queued beyond its slots while many more are ready (see `assign`). */
const AGENT_QUEUE_AHEAD = 1;

export interface RunOptions {
  runId: string;
  goal: Goal;
  repo: UserRepo;
  base: string;
  runDir: string;
  pool: AgentPool;
  out: RunOutput;
  /** Keep sessions open for follow-ups after every task has merged, until `close()`. */
  stayOpen?: boolean;
  /** Stop dispatching once the run has spent this much (US dollars). */
  budgetUsd?: number;
  /** Run every task even when an identical one was done before (default: reuse its result). */
  noReuse?: boolean;
  /** How long an agent may be unreachable before its tasks run elsewhere (default 15 s). */
  agentTimeoutMs?: number;
  /** Continue a run that stopped, from its journal (`run --resume`). */
  resume?: ResumeState;
}

export class Run {
  private readonly tasks: RunTask[];
  private readonly inFlight = new Map<string, number>();
  private readonly health = new AgentHealth();
  private readonly early = new EarlyStarts();
  private readonly recovery: RunRecovery;
  private journal!: RunJournal;
  private integrator!: Integrator;
  private sync!: RepoSync;
  private reuse: ResultReuse | undefined;
  private finished!: () => void;
  private noAgentTimer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private cancelled: string | undefined;
  private closeRequested = false;
  /** Tasks the user cancelled: their attempt's failure is final (no retry). */
  private readonly cancelledTasks = new Set<string>();
  /** Set once every task has settled and the run is ending: nothing is retried after that. */
  private over = false;

  constructor(private readonly opts: RunOptions) {
    const goal = opts.goal;
    this.tasks = goal.tasks.map((task) => newRunTask(goal, task));
    this.recovery = new RunRecovery({
      runId: opts.runId, runDir: opts.runDir, tasks: this.tasks,
      attemptFailed: (rt, error) => this.attemptFailed(rt, error),
      update: (rt, patch, detail) => this.update(rt, patch, detail),
      remoteFor: (rt, agent, spec, from) => this.remoteFor(rt, agent, spec, from),
    }, opts.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS);
  }

  private get retries(): number {
    return this.opts.goal.retries ?? DEFAULT_RETRIES;
  }

  private get verifyRetries(): number {
    return this.opts.goal.verifyRetries ?? DEFAULT_VERIFY_RETRIES;
  }

  async execute(): Promise<RunSummary> {
    const { runId, repo, base, runDir, out, pool } = this.opts;
    const started = Date.now();
    await mkdir(runDir, { recursive: true, mode: 0o700 });
    const resume = this.opts.resume;
    this.journal = await RunJournal.open(runDir);
    this.integrator = resume
      ? await Integrator.reopen(repo, resume.branch, resume.head, join(runDir, 'integration'))
      : await Integrator.create(repo, runId, base, join(runDir, 'integration'));
    if (!resume) await this.journal.record({ type: 'started', version: 1, runId, base, branch: this.integrator.branch, goal: this.opts.goal });
    this.sync = new RepoSync(repo, runDir, runId);
    if (!this.opts.noReuse) this.reuse = await ResultReuse.open(repo);
    out.runStarted({ runId, branch: this.integrator.branch, base, tasks: this.opts.goal.tasks.map((t) => ({ id: t.id, title: t.title, after: t.after })) });
    if (resume) this.resumeFrom(resume);
    if (this.integrator.undone) out.warning(`${this.integrator.branch} was at ${this.integrator.undone.slice(0, 12)}, past the last merge the run recorded: that merge was undone and is done again`);

    const done = new Promise<void>((resolve) => { this.finished = () => { this.over = true; resolve(); }; });
    const onAgent = (client: AgentClient): void => {
      this.recovery.agentBack(client);
      this.schedule();
    };
    pool.on('agent', onAgent);
    // Agents connected before the run began: a resumed run's tasks on them are taken up now.
    for (const client of pool.agents) this.recovery.agentBack(client);
    this.schedule();
    await done;
    pool.off('agent', onAgent);
    this.recovery.dispose();
    clearTimeout(this.noAgentTimer);
    clearTimeout(this.wakeTimer);
    await Promise.allSettled(this.tasks.map((t) => t.remote?.close()));
    await this.integrator.close();
    await this.journal.record({ type: 'finished' }).catch(() => undefined);
    await this.journal.close();

    const reports = this.tasks.map(toReport);
    return {
      runId, branch: this.integrator.branch, base, elapsedMs: Date.now() - started,
      ok: reports.every((t) => t.status === 'merged'),
      costUsd: this.spent(),
      agents: costByAgent(reports),
      tasks: reports,
    };
  }

  /**
   * Cancels one task: a waiting one fails at once; one on an agent is cancelled there, and its
   * attempt's failure is final. False when the task is not one that can be cancelled now.
   */
  cancelTask(taskId: string, reason: string): boolean {
    const rt = this.tasks.find((t) => t.id === taskId);
    if (!rt || this.over) return false;
    if (rt.status === 'waiting') {
      this.update(rt, { status: 'failed', error: reason });
      this.schedule();
      return true;
    }
    if (!rt.client || !(rt.status === 'dispatching' || rt.status === 'queued' || rt.status === 'running' || rt.status === 'needs-input')) return false;
    this.cancelledTasks.add(rt.id);
    this.cancelOnAgent(rt);
    return true;
  }

  /**
   * Runs a failed or blocked task again while the run is open, with the failed and blocked
   * tasks it waits on, and the blocked tasks waiting on any of them. False when it cannot.
   */
  retryTask(taskId: string): boolean {
    const again = this.over || this.cancelled ? undefined : tasksToRetry(this.tasks, taskId);
    if (!again) return false;
    for (const t of this.tasks.filter((x) => again.has(x.id))) {
      this.cancelledTasks.delete(t.id);
      t.notBefore = undefined;
      t.resolving = undefined;
      this.update(t, { status: 'waiting', error: undefined, conflicts: undefined }, 'to be run again');
    }
    this.schedule();
    return true;
  }

  /** Resizes a task's terminal on its agent. */
  async resize(taskId: string, cols: number, rows: number): Promise<void> {
    await this.tasks.find((t) => t.id === taskId)?.remote?.resize(cols, rows);
  }

  /** When the run's scheduler gives an agent work again after failures, or undefined when it does now. */
  agentBackedOffUntil(agentId: string): number | undefined {
    return this.health.backedOffUntil(agentId);
  }

  /** Input typed into a task's pane. */
  async input(taskId: string, data: string): Promise<void> {
    await this.byId(taskId).remote?.input(data);
  }

  /** Ends a run kept open with `stayOpen` once every task is settled. */
  close(): void {
    this.closeRequested = true;
    this.schedule();
  }

  private spent(): number {
    return this.tasks.reduce((sum, t) => sum + (t.costUsd ?? 0), 0);
  }

  /** Stops the run: nothing new starts, running tasks are cancelled on their agents. */
  cancel(reason: string): void {
    if (this.cancelled) return;
    this.cancelled = reason;
    for (const t of this.tasks) {
      if (t.status === 'waiting') this.update(t, { status: 'failed', error: reason });
      else if (t.client && (t.status === 'running' || t.status === 'queued' || t.status === 'dispatching')) {
        this.cancelOnAgent(t);
      }
    }
    this.schedule();
  }

  private schedule(): void {
    for (const id of blockedTasks(this.tasks)) this.update(this.byId(id), { status: 'blocked', error: 'a task it depends on did not merge' });
    if (!this.cancelled && this.opts.budgetUsd !== undefined && this.spent() >= this.opts.budgetUsd) {
      for (const t of this.tasks) if (t.status === 'waiting') this.update(t, { status: 'failed', error: `the run's budget of $${this.opts.budgetUsd} is spent` });
    }
    const now = Date.now();
    const agents = this.cancelled ? [] : this.opts.pool.agents;
    for (const t of this.tasks) {
      if (t.status !== 'waiting') continue;
      const from = this.earlyStart(t);
      t.early = from !== undefined;
      t.preferAgents = from ? [from.agentId] : this.sync.holders(this.baseFor(t));
    }
    const plan = assign(this.tasks, agents.map((a) => {
      const id = a.peerId.toString();
      const backedOffUntil = this.health.backedOffUntil(id);
      return { id, slots: a.info.slots, queue: this.health.inDoubt(id) ? 0 : AGENT_QUEUE_AHEAD, inFlight: this.inFlight.get(id) ?? 0, ...(backedOffUntil !== undefined ? { backedOffUntil } : {}) };
    }), now);
    for (const { taskId, agentId } of plan) {
      const agent = agents.find((a) => a.peerId.toString() === agentId)!;
      void this.dispatch(this.byId(taskId), agent);
    }
    this.wakeForBackoff(now);
    this.checkIdle(agents.length);
    const settled = this.tasks.every((t) => t.status === 'merged' || t.status === 'failed' || t.status === 'blocked');
    if (settled && (!this.opts.stayOpen || this.closeRequested || this.cancelled)) this.finished();
  }

  /** A retry waiting out its backoff (or a backed-off agent) needs a schedule pass when it ends. */
  private wakeForBackoff(now: number): void {
    const times = this.tasks.filter((t) => t.status === 'waiting' && t.notBefore !== undefined && t.notBefore > now).map((t) => t.notBefore!);
    for (const a of this.opts.pool.agents) {
      const until = this.health.backedOffUntil(a.peerId.toString());
      if (until !== undefined && until > now) times.push(until);
    }
    clearTimeout(this.wakeTimer);
    this.wakeTimer = times.length > 0 ? setTimeout(() => this.schedule(), Math.min(...times) - now + 1) : undefined;
  }

  /** Nothing can progress without an agent: wait a while for one, then fail what is left. */
  private checkIdle(agentCount: number): void {
    const busy = [...this.inFlight.values()].some((n) => n > 0) || this.tasks.some((t) => t.status === 'integrating') || !!this.opts.stayOpen;
    if (agentCount > 0 || busy) {
      clearTimeout(this.noAgentTimer);
      this.noAgentTimer = undefined;
      return;
    }
    this.noAgentTimer ??= setTimeout(() => {
      for (const t of this.tasks) if (t.status === 'waiting') this.update(t, { status: 'failed', error: 'no agent was available to run it' });
      this.schedule();
    }, NO_AGENT_GRACE_MS);
  }

  /**
   * Where a task starts: the run's base; for a task after exactly one other, that task's result
   * (it holds everything the task depends on, and the agent that made it has it already); for
   * more dependencies, or a conflict resolution, the run branch's head, which holds them all.
   */
  private baseFor(rt: RunTask): string {
    if (rt.resolving) return this.integrator.head;
    if (rt.task.after.length === 0) return this.opts.base;
    const only = rt.task.after.length === 1 ? this.byId(rt.task.after[0]!) : undefined;
    if (only?.status === 'merged' && only.commit) return only.commit;
    const reported = only && !rt.resolving ? this.early.baseFrom(only.id) : undefined;
    return reported?.commit ?? this.integrator.head;
  }

  /**
   * Where a task after exactly one other may start early: from that task's reported result, on
   * the agent that made it. (After several, merging the last result in on the agent first was
   * measured slower than waiting for it to merge: see the makespan bench.)
   */
  private earlyStart(rt: RunTask): { depId: string; agentId: string } | undefined {
    const dep = rt.after.length === 1 && !rt.resolving ? this.byId(rt.after[0]!) : undefined;
    const from = dep && dep.status !== 'merged' ? this.early.baseFrom(dep.id) : undefined;
    return dep && from ? { depId: dep.id, agentId: from.agentId } : undefined;
  }

  private async dispatch(rt: RunTask, agent: AgentClient): Promise<void> {
    const agentId = agent.peerId.toString();
    this.inFlight.set(agentId, (this.inFlight.get(agentId) ?? 0) + 1);
    rt.holdsSlot = true;
    rt.attempts++;
    rt.starts++;
    const base = this.baseFor(rt);
    rt.startedAt = Date.now();
    rt.client = agent;
    this.update(rt, { status: 'dispatching', agent: agent.name, base, attempts: rt.attempts });
    const early = rt.early ? this.earlyStart(rt) : undefined;
    if (early) this.early.started(rt.id, early.depId);
    const spec = attemptSpec(this.opts.goal, rt, { runId: this.opts.runId, repoId: this.opts.repo.repoId, base, verifyRetries: this.verifyRetries });
    rt.agentTaskId = spec.taskId;
    try {
      rt.ran = rt.resolving ? undefined : spec;
      // Only a first attempt: an earlier result that failed here once is not taken again; never an early start (it must wait to merge).
      const reused = rt.ran && rt.attempts === 1 && !rt.early && await this.reuse?.find(rt.ran, `task ${rt.id}: ${rt.title} (reused)`);
      if (reused) return await this.takeEarlierResult(rt, reused);
      const remote = this.remoteFor(rt, agent, spec);
      rt.remote = remote;
      // Before the agent hears of it: a resumed run must know every attempt that may be running.
      await this.journal.record({ type: 'dispatched', taskId: rt.id, agentId, attempts: rt.attempts, starts: rt.starts, spec });
      if (spec.mergeFrom) await this.sync.ensure(agent, spec.mergeFrom);
      await remote.start();
      const timeoutMs = taskTimeoutMs(this.opts.goal, rt.task);
      if (timeoutMs) rt.timer = setTimeout(() => this.timedOut(rt, remote, timeoutMs), timeoutMs);
    } catch (err) {
      // Lost mid-start: the task may be running there; a re-attach finds out, or the agent's timeout moves it.
      if (rt.remote && rt.remote.agent === agent && !agent.connected) this.recovery.taskLost(rt, agentId, err as Error);
      else this.attemptFailed(rt, (err as Error).message);
    }
  }

  /**
   * A resumed run: tasks the journal saw merge or end stay so; a result collected before the stop
   * merges now, without running again (unless it started early on a result that has not merged:
   * then it runs again); an attempt under way is taken up when its agent connects. The rest wait
   * for the scheduler as usual.
   */
  private resumeFrom(resume: ResumeState): void {
    for (const rt of this.tasks) {
      const t = resume.tasks.get(rt.id);
      if (!t) continue;
      Object.assign(rt, { attempts: t.attempts, starts: t.starts });
      if (t.status === 'merged') this.update(rt, { status: 'merged', commit: t.commit ?? null }, 'merged before the run stopped');
      else if (t.status !== 'pending') this.update(rt, { status: t.status, error: t.error }, 'ended before the run stopped');
      else if (t.attempt && !t.attempt.received) this.recovery.adopt(rt, t.attempt.agentId, t.attempt.spec, 0);
      else if (t.attempt?.received?.ok && rt.after.every((id) => resume.tasks.get(id)?.status === 'merged')) {
        const { commit, ref } = t.attempt.received;
        rt.agentTaskId = t.attempt.spec.taskId;
        if (!ref) this.update(rt, { status: 'merged', commit: null }, 'no changes to merge');
        else {
          this.update(rt, { status: 'integrating', commit }, 'collected before the run stopped');
          void this.integrate(rt, undefined, ref, false).then(() => this.schedule());
        }
      }
    }
  }

  /** The driver's side of attempt `spec` of `rt` on `agent`; `from` continues one a resumed run found under way. */
  private remoteFor(rt: RunTask, agent: AgentClient, spec: TaskSpec, from?: RemoteTaskProgress): RemoteTask {
    const remote: RemoteTask = new RemoteTask(agent, spec, {
      repo: this.opts.repo,
      sync: this.sync,
      workDir: this.opts.runDir,
      onState: (e) => this.onAgentState(rt, e),
      onOutput: (chunk) => {
        this.journal.termOutput(spec.taskId, chunk);
        this.opts.out.taskOutput(rt.id, chunk);
      },
      // The agent freed its slot when it reported: another task can start there while this result is fetched.
      onReported: (r) => { if (r.ok && rt.remote === remote) this.reported(rt, remote.agent, r); },
      onReceived: (r, ref) => this.journal.record({ type: 'received', taskId: rt.id, agentTaskId: spec.taskId, turn: r.turn, ok: r.ok, commit: r.commit, ...(ref ? { ref } : {}) }),
      onResult: (r, ref) => this.onResult(rt, remote, r, ref),
      onLost: (err) => { if (rt.remote === remote) this.recovery.taskLost(rt, remote.agent.peerId.toString(), err); },
      onBroken: (err) => { if (rt.remote === remote) this.attemptFailed(rt, err.message); },
    }, from);
    return remote;
  }

  /** An identical task's earlier result, replayed onto this base: merged without running anything. */
  private async takeEarlierResult(rt: RunTask, commit: string): Promise<void> {
    this.releaseSlot(rt);
    const ref = this.opts.repo.resultRef(this.opts.runId, rt.id);
    await git(['update-ref', ref, commit], { cwd: this.opts.repo.root });
    this.update(rt, { status: 'integrating', commit, durationMs: 0, costUsd: 0 }, 'reusing the result of an identical task done before');
    await this.integrate(rt, undefined, ref, false);
    this.schedule();
  }

  private timedOut(rt: RunTask, remote: RemoteTask, timeoutMs: number): void {
    if (rt.remote !== remote || rt.status === 'merged' || rt.status === 'integrating') return;
    this.cancelOnAgent(rt);
    this.attemptFailed(rt, `timed out after ${Math.round(timeoutMs / 1000)} s`);
  }

  /**
   * One attempt failed: the agent's health records it, and the task waits for a retry on
   * another agent after a backoff — or fails, once its retries are spent.
   */
  private attemptFailed(rt: RunTask, error: string): void {
    if (rt.status === 'merged' || rt.status === 'failed' || rt.status === 'blocked') return;
    this.dropAttempt(rt);
    const agentId = rt.client?.peerId.toString();
    // A task the user cancelled says nothing about its agent.
    if (agentId && !this.cancelledTasks.has(rt.id)) {
      this.health.failure(agentId);
      if (!rt.avoidAgents.includes(agentId)) rt.avoidAgents.push(agentId);
    }
    const durationMs = Date.now() - (rt.startedAt ?? Date.now());
    if (this.cancelled || rt.attempts > this.retries || this.cancelledTasks.has(rt.id)) {
      this.update(rt, { status: 'failed', error, durationMs });
    } else {
      const delay = retryDelayMs(rt.attempts);
      rt.notBefore = Date.now() + delay;
      this.update(rt, { status: 'waiting', error }, `attempt ${rt.attempts} failed (${error}); retrying in ${(delay / 1000).toFixed(1)} s, on another agent if one is free`);
    }
    this.releaseSlot(rt);
  }

  /**
   * Stops following the task's current attempt: its timer, its session's stream (a late report
   * from it is ignored). An attempt on an agent that cannot be told is cancelled when it is back.
   */
  private dropAttempt(rt: RunTask): void {
    clearTimeout(rt.timer);
    const remote = rt.remote;
    rt.remote = undefined;
    if (remote) this.recovery.dropped(remote);
    void remote?.close();
  }

  /** Frees the task's slot on its agent (if it still holds one) and, unless told not to, schedules what can go next. */
  private releaseSlot(rt: RunTask, schedule = true): void {
    if (rt.holdsSlot && rt.client) {
      rt.holdsSlot = false;
      const agentId = rt.client.peerId.toString();
      this.inFlight.set(agentId, (this.inFlight.get(agentId) ?? 1) - 1);
    }
    if (schedule) this.schedule();
  }

  /** A first result with a commit lets tasks after only this one start early from it, on this agent. */
  private reported(rt: RunTask, agent: AgentClient, r: TaskResult): void {
    const first = rt.status === 'running' || rt.status === 'needs-input' || rt.status === 'queued';
    if (first && r.commit && !rt.resolving) {
      this.early.report(rt.id, r.commit, agent.peerId.toString());
      this.sync.learn(agent, r.commit);
    }
    this.releaseSlot(rt);
  }

  /** Tasks started early on `rt`'s result, which will not merge as it was: stopped, to start again. */
  private unwindEarly(rt: RunTask): void {
    for (const id of this.early.unwind(rt.id)) {
      const t = this.byId(id);
      if (t.status === 'merged' || t.status === 'failed' || t.status === 'blocked') continue;
      this.cancelOnAgent(t);
      this.dropAttempt(t);
      this.releaseSlot(t, false);
      t.attempts = Math.max(0, t.attempts - 1);
      this.update(t, { status: 'waiting', attempts: t.attempts }, `started early on ${rt.id}'s result, which did not merge as it was: it starts again`);
    }
  }

  /** A result: the first settles the attempt; a later one (a follow-up turn) is integrated again. */
  private async onResult(rt: RunTask, remote: RemoteTask, r: TaskResult, ref: string | undefined): Promise<void> {
    if (rt.remote !== remote) return; // a stale attempt (timed out or lost) reporting late
    this.opts.out.taskResult?.(rt.id, r);
    clearTimeout(rt.timer);
    const facts = { commit: r.commit, durationMs: r.durationMs, costUsd: r.session?.costUsd ?? rt.costUsd ?? 0, turns: r.turn, ...(r.verify ? { verify: r.verify.ok ? 'passed' as const : 'failed' as const } : {}) };
    const followUp = r.turn > 1 && rt.status !== 'running' && rt.status !== 'needs-input' && rt.status !== 'queued';
    if (!r.ok) {
      this.update(rt, facts);
      return this.attemptFailed(rt, r.error ?? 'the session failed');
    }
    if (rt.client) this.health.success(rt.client.peerId.toString());
    this.releaseSlot(rt, false);
    if (this.early.hold(rt.id, () => this.onResult(rt, remote, r, ref))) {
      this.update(rt, facts, `done; it merges after ${rt.after[0]}`);
      return;
    }
    if (!ref) {
      if (!followUp) this.update(rt, { ...facts, status: 'merged' }, 'no changes to merge');
    } else {
      this.update(rt, { ...facts, status: 'integrating' }, followUp ? `follow-up turn ${r.turn}` : undefined);
      await this.integrate(rt, remote, ref, followUp);
    }
    // Nobody can type a follow-up into a run that is not kept open: end the session now.
    if (!this.opts.stayOpen && rt.status !== 'running') void remote.close();
    this.schedule();
  }

  /**
   * Tasks waiting on the one just merged (and others) will start from the new head: send it to every agent
   * now, while the scheduler picks, rather than on the critical path of their dispatch.
   */
  private presync(mergedId: string, head: string): void {
    // Tasks after just this one start from its own result instead (see baseFor).
    if (!this.tasks.some((t) => t.status === 'waiting' && t.after.length > 1 && t.after.includes(mergedId))) return;
    for (const agent of this.opts.pool.agents) void this.sync.ensure(agent, head).catch(() => undefined);
  }

  private integrate(rt: RunTask, remote: RemoteTask | undefined, ref: string, followUp: boolean): Promise<void> {
    return integrate({
      goal: this.opts.goal, runId: this.opts.runId, integrator: this.integrator, verifyRetries: this.verifyRetries,
      update: (t, patch, detail) => this.update(t, patch, detail),
      attemptFailed: (t, error) => this.attemptFailed(t, error),
      merged: (t, head) => {
        void this.journal.record({ type: 'merged', taskId: t.id, commit: t.commit ?? null, head }).catch(() => undefined);
        this.presync(t.id, head);
        for (const resume of this.early.merged(t.id)) void resume();
        // Off the path of what comes next: a failure only means no reuse later.
        if (t.ran && t.commit) void this.reuse?.remember(t.ran, t.commit).catch(() => undefined);
      },
    }, rt, remote, ref, followUp);
  }

  private onAgentState(rt: RunTask, e: TaskStateEvent): void {
    if (e.costUsd !== undefined) rt.costUsd = e.costUsd;
    if (rt.status === 'merged' || rt.status === 'failed' || rt.status === 'integrating' || rt.status === 'waiting') return;
    const status = e.state === 'queued' ? 'queued' : e.state === 'needs-input' ? 'needs-input' : e.state === 'starting' || e.state === 'working' ? 'running' : undefined;
    if (status && (status !== rt.status || status === 'needs-input' || e.detail)) this.update(rt, { status }, e.detail);
  }

  private update(rt: RunTask, patch: Partial<TaskReport>, detail?: string): void {
    const left = patch.status !== undefined && patch.status !== rt.status && patch.status !== 'integrating' && patch.status !== 'merged';
    Object.assign(rt, patch);
    // Its reported result will not merge as it was (a conflict, a failing verify, a failure).
    if (left) this.unwindEarly(rt);
    if (left && (rt.status === 'failed' || rt.status === 'blocked')) {
      void this.journal?.record({ type: 'settled', taskId: rt.id, status: rt.status, ...(rt.error ? { error: rt.error.slice(0, 4000) } : {}) }).catch(() => undefined);
    }
    this.opts.out.taskStatus(toReport(rt), detail);
  }

  /** Asks the task's agent to stop its current attempt; an agent that is gone has stopped it already. */
  private cancelOnAgent(rt: RunTask): void {
    void rt.client?.rpc.request('task.cancel', { runId: this.opts.runId, taskId: rt.agentTaskId ?? rt.id }).catch(() => undefined);
  }

  private byId(id: string): RunTask {
    return this.tasks.find((t) => t.id === id)!;
  }
}

