/**
 * The machinery of a run: ready tasks go to agents with free slots (priority, critical path,
 * spread), each attempt is followed from dispatch to result, results are integrated in
 * dependency order into `claudecluster/<run>`, failures are retried elsewhere after a backoff,
 * conflicts become resolution attempts, and agents that come and go are ridden out
 * (RunRecovery). The commits starts will need go to agents ahead of them (CommitsAhead). Attempts that end without delivering are handled in RunAttempts
 * (run-attempts.ts); `Run` (run.ts) adds the run's life and what users do to it.
 */
import type { TaskResult, TaskSpec, TaskStateEvent } from '../../shared/protocol/control.js';
import { git } from '../../shared/node/git.js';
import { RPC_ERROR, RpcError } from '../../shared/protocol/jsonrpc.js';
import type { AgentClient } from './agent-client.js';
import { Integrator } from './integrator.js';
import { RepoSync } from './sync.js';
import { RemoteTask, type RemoteTaskProgress } from './remote-task.js';
import { assign, blockedTasks } from './scheduler.js';
import { RunAttempts } from './run-attempts.js';
import { ResultReuse } from './reuse.js';
import { StartPoints } from './start-points.js';
import { CommitsAhead } from './commits-ahead.js';
import { attemptSpec, toReport, type RunTask } from './run-task.js';
import type { TaskReport } from './run-output.js';
import { integrate } from './run-merge.js';
import { DEFAULT_AGENT_TIMEOUT_MS } from './agent-loss.js';
import { RunRecovery } from './run-recovery.js';
import { RunJournal } from './run-journal.js';
import { DEFAULT_VERIFY_RETRIES, NO_AGENT_GRACE_MS, type RunOptions } from './run-options.js';

/** Tasks an agent may hold queued beyond its slots while many more are ready (see `assign`). */
const AGENT_QUEUE_AHEAD = 1;

export abstract class RunEngine extends RunAttempts {
  protected readonly starts: StartPoints;
  protected readonly recovery: RunRecovery;
  private readonly ahead: CommitsAhead;
  protected journal!: RunJournal;
  protected integrator!: Integrator;
  protected sync!: RepoSync;
  protected reuse: ResultReuse | undefined;
  protected finished!: () => void;
  protected noAgentTimer: NodeJS.Timeout | undefined;
  protected wakeTimer: NodeJS.Timeout | undefined;
  protected closeRequested = false;
  /** Set once every task has settled and the run is ending: nothing is retried after that. */
  protected over = false;

  constructor(opts: RunOptions) {
    super(opts);
    this.recovery = new RunRecovery({
      runId: opts.runId, runDir: opts.runDir, tasks: this.tasks,
      attemptFailed: (rt, error, now) => this.attemptFailed(rt, error, now),
      update: (rt, patch, detail) => this.update(rt, patch, detail),
      remoteFor: (rt, agent, spec, from) => this.remoteFor(rt, agent, spec, from),
    }, opts.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS);
    this.starts = new StartPoints({ byId: (id) => this.byId(id), sync: () => this.sync, head: () => this.integrator.head, runBase: opts.base });
    this.ahead = new CommitsAhead({ tasks: this.tasks, starts: this.starts, sync: () => this.sync, agents: () => this.runAgents, byId: (id) => this.byId(id) });
  }

  /** The agents tasks of this run may go to: none once it is cancelled. */
  private get runAgents(): readonly AgentClient[] {
    return this.cancelled ? [] : this.opts.pool.agents;
  }

  private get verifyRetries(): number {
    return this.opts.goal.verifyRetries ?? DEFAULT_VERIFY_RETRIES;
  }

  protected spent(): number {
    return this.tasks.reduce((sum, t) => sum + (t.costUsd ?? 0), 0);
  }


  protected schedule(): void {
    for (const id of blockedTasks(this.tasks)) this.update(this.byId(id), { status: 'blocked', error: 'a task it depends on did not merge' });
    if (!this.cancelled && this.opts.budgetUsd !== undefined && this.spent() >= this.opts.budgetUsd) {
      for (const t of this.tasks) if (t.status === 'waiting') this.update(t, { status: 'failed', error: `the run's budget of $${this.opts.budgetUsd} is spent` });
    }
    const now = Date.now();
    const agents = this.runAgents;
    const agentIds = agents.map((a) => a.peerId.toString());
    for (const t of this.tasks) {
      if (t.status === 'waiting') this.refusedAhead(t, agents);
      if (t.status !== 'waiting') continue;
      // A chained task starts when its dependency reports, before its cost is known here: not with a budget to keep.
      Object.assign(t, this.starts.placement(t, agentIds, this.opts.budgetUsd === undefined));
    }
    const plan = assign(this.tasks, agents.map((a) => {
      const id = a.peerId.toString();
      const backedOffUntil = this.health.backedOffUntil(id);
      return { id, slots: a.info.slots, queue: this.health.inDoubt(id) ? 0 : AGENT_QUEUE_AHEAD, inFlight: this.slots.of(id), ...(backedOffUntil !== undefined ? { backedOffUntil } : {}) };
    }), now);
    for (const { taskId, agentId } of plan) {
      const agent = agents.find((a) => a.peerId.toString() === agentId)!;
      void this.dispatch(this.byId(taskId), agent);
    }
    this.ahead.nextReady(new Set(plan.map((p) => p.taskId)), now);
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
    const busy = this.slots.busy || this.tasks.some((t) => t.status === 'integrating') || !!this.opts.stayOpen;
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

  private async dispatch(rt: RunTask, agent: AgentClient): Promise<void> {
    const agentId = agent.peerId.toString();
    // A chained start takes its dependency's slot when that one reports (see reported).
    const chain = rt.chain ? this.starts.chainAfter(rt) : undefined;
    const chainedOn = chain?.dep;
    // `assign` plans one chained start per dependency; should this one no longer be chainable there, it waits for the next pass.
    if (rt.chain && chain?.agentId !== agentId) return;
    if (!chainedOn) this.slots.take(rt, agentId);
    rt.attempts++;
    rt.starts++;
    // Chained after its only dependency: where that one started, which the agent checks its result out over.
    const base = chainedOn && rt.after.length === 1 && chainedOn.base ? chainedOn.base : this.starts.baseFor(rt, agentId);
    rt.startedAt = Date.now();
    rt.costBefore = rt.costUsd ?? 0;
    rt.client = agent;
    this.update(rt, { status: 'dispatching', agent: agent.name, base, attempts: rt.attempts });
    const early = rt.early && !chainedOn ? this.starts.earlyStart(rt) : undefined;
    const startedOn = early?.depIds ?? chain?.depIds;
    if (startedOn) this.starts.early.started(rt.id, startedOn);
    rt.mergeIn = early?.mergeIn ?? chain?.mergeIn;
    rt.chainedOn = chainedOn?.id;
    const spec = attemptSpec(this.opts.goal, rt, { runId: this.opts.runId, repoId: this.opts.repo.repoId, base, verifyRetries: this.verifyRetries, ...(chainedOn ? { chainAfter: chainedOn.agentTaskId } : {}) });
    rt.agentTaskId = spec.taskId;
    try {
      // Reuse records work on a base alone; a result with something merged in first is not that.
      rt.ran = rt.resolving || rt.mergeIn || rt.chainedOn ? undefined : spec;
      // The commits it needs go to the agent while an earlier result is looked for; the start goes right behind them.
      const transfers = [spec.base, ...(spec.mergeIn ?? []), spec.mergeFrom].flatMap((c) => (c ? [this.sync.transfer(agent, c)] : []));
      const synced = Promise.all(transfers.map((t) => t.done));
      synced.catch(() => undefined); // Awaited by the start, unless an earlier result is taken, or looking for one fails, first.
      // Only a first attempt: an earlier result that failed here once is not taken again; never an early start (it must wait to merge).
      const reused = rt.ran && rt.attempts === 1 && !rt.early && await this.reuse?.find(rt.ran, `task ${rt.id}: ${rt.title} (reused)`);
      if (reused) return await this.takeEarlierResult(rt, reused);
      const remote = this.remoteFor(rt, agent, spec);
      rt.remote = remote;
      // Before the agent hears of it: a resumed run must know every attempt that may be running.
      await Promise.all([this.journal.record({ type: 'dispatched', taskId: rt.id, agentId, attempts: rt.attempts, starts: rt.starts, spec }), ...transfers.map((t) => t.asked)]);
      await remote.start(synced);
      // A chained start's time counts from when it takes its slot.
      if (!rt.chainedOn) this.startTimer(rt, remote);
      this.ahead.fanOutBase(rt, spec.base, agent);
    } catch (err) {
      // Lost mid-start: the task may be running there; a re-attach finds out, or the agent's timeout moves it.
      if (rt.remote && rt.remote.agent === agent && !agent.connected) this.recovery.taskLost(rt, agentId, err as Error);
      else if (err instanceof RpcError && err.code === RPC_ERROR.refused) this.refused(rt, agentId, err.message);
      else this.attemptFailed(rt, (err as Error).message);
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
        return this.opts.out.taskOutput(rt.id, chunk);
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

  /** A first result with a commit lets tasks waiting on this one start early from it, on this agent. */
  private reported(rt: RunTask, agent: AgentClient, r: TaskResult): void {
    const first = rt.status === 'running' || rt.status === 'needs-input' || rt.status === 'queued';
    if (first && r.commit && !rt.resolving) {
      this.starts.early.report(rt.id, r.commit, agent.peerId.toString());
      this.sync.made(agent, r.commit);
      // The task chained after it has started there in the slot it freed.
      const chained = this.tasks.find((t) => t.chainedOn === rt.id && t.remote);
      if (chained && this.slots.pass(rt, chained)) {
        chained.startedAt = Date.now();
        if (chained.after.length === 1) this.update(chained, { base: r.commit });
        this.startTimer(chained, chained.remote!);
      }
    }
    this.releaseSlot(rt);
  }

  /** Tasks started early on `rt`'s result, which will not merge as it was: stopped, to start again. */
  private unwindEarly(rt: RunTask): void {
    for (const id of this.starts.early.unwind(rt.id)) {
      const t = this.byId(id);
      if (t.status === 'merged' || t.status === 'failed' || t.status === 'blocked') continue;
      this.restartEarly(t, `started early on ${rt.id}'s result, which did not merge as it was: it starts again`);
    }
  }

  /** A result: the first settles the attempt; a later one (a follow-up turn) is integrated again. */
  private async onResult(rt: RunTask, remote: RemoteTask, r: TaskResult, ref: string | undefined): Promise<void> {
    if (rt.remote !== remote) return; // a stale attempt (timed out or lost) reporting late
    this.opts.out.taskResult?.(rt.id, r);
    clearTimeout(rt.timer);
    const facts = { ...(r.base !== rt.base ? { base: r.base } : {}), commit: r.commit, durationMs: r.durationMs, costUsd: r.session ? (rt.costBefore ?? 0) + r.session.costUsd : rt.costUsd ?? 0, turns: r.turn, ...(r.verify ? { verify: r.verify.ok ? 'passed' as const : 'failed' as const } : {}) };
    const followUp = r.turn > 1 && rt.status !== 'running' && rt.status !== 'needs-input' && rt.status !== 'queued';
    if (!r.ok && (rt.mergeIn || rt.chainedOn) && r.session === null) {
      // The results it started from did not merge into its base there (or never came): it waits for them to merge.
      const chainedFrom = rt.chainedOn ? this.starts.early.baseFrom(rt.chainedOn)?.commit : undefined;
      // Chained after a task that gave it no result to start from: the results it was to merge in are not to blame.
      const from = !rt.chainedOn ? rt.mergeIn ?? [] : chainedFrom ? [chainedFrom, ...(rt.mergeIn ?? [])] : [];
      if (from.length > 0) rt.unmergeable = from;
      // Its dependency's failure may not have reached the driver yet: not chained after that attempt again.
      if (rt.chainedOn) rt.noStartFrom = this.byId(rt.chainedOn).agentTaskId;
      this.starts.early.forget(rt.id);
      this.restartEarly(rt, `${r.error ?? 'its early start failed'}: it starts once that result merged`);
      return this.schedule();
    }
    if (!r.ok) {
      this.update(rt, facts);
      return this.attemptFailed(rt, r.error ?? 'the session failed');
    }
    if (rt.client) this.health.success(rt.client.peerId.toString());
    this.releaseSlot(rt, false);
    if (this.starts.early.hold(rt.id, () => this.onResult(rt, remote, r, ref))) {
      this.update(rt, facts, `done; it merges after ${this.starts.early.waitsOn(rt.id).join(', ')}`);
      return;
    }
    if (!ref) {
      if (!followUp) this.update(rt, { ...facts, status: 'merged' }, 'no changes to merge');
    } else {
      this.update(rt, { ...facts, status: 'integrating' }, followUp ? `follow-up turn ${r.turn}` : undefined);
      // Its result is here now: a task starting early from it may go to any agent while it merges.
      if (!followUp && this.tasks.some((t) => t.status === 'waiting' && t.after.includes(rt.id))) this.schedule();
      await this.integrate(rt, remote, ref, followUp);
    }
    // Nobody can type a follow-up into a run that is not kept open: end the session now.
    if (!this.opts.stayOpen && rt.status !== 'running') void remote.close();
    this.schedule();
  }

  protected integrate(rt: RunTask, remote: RemoteTask | undefined, ref: string, followUp: boolean): Promise<void> {
    return integrate({
      goal: this.opts.goal, runId: this.opts.runId, integrator: this.integrator, verifyRetries: this.verifyRetries,
      update: (t, patch, detail) => this.update(t, patch, detail),
      attemptFailed: (t, error) => this.attemptFailed(t, error),
      merged: (t, head) => {
        void this.journal.record({ type: 'merged', taskId: t.id, commit: t.commit ?? null, head }).catch(() => undefined);
        this.ahead.joinHead(t.id, head);
        for (const resume of this.starts.early.merged(t.id)) void resume();
        // Off the path of what comes next: a failure only means no reuse later.
        if (t.ran && t.commit) void this.reuse?.remember(t.ran, t.commit).catch(() => undefined);
      },
    }, rt, remote, ref, followUp);
  }

  private onAgentState(rt: RunTask, e: TaskStateEvent): void {
    // A cost of nothing before anything was spent says nothing (a chained start let go before its session).
    if (e.costUsd !== undefined && (e.costUsd > 0 || rt.costUsd !== undefined)) rt.costUsd = (rt.costBefore ?? 0) + e.costUsd;
    if (rt.status === 'merged' || rt.status === 'failed' || rt.status === 'integrating' || rt.status === 'waiting') return;
    const status = e.state === 'queued' ? 'queued' : e.state === 'needs-input' ? 'needs-input' : e.state === 'starting' || e.state === 'working' ? 'running' : undefined;
    if (!status || (status === rt.status && status !== 'needs-input' && !e.detail)) return;
    const started = status === 'running' && rt.status !== 'running';
    this.update(rt, { status }, e.detail);
    // A task waiting on this one alone may now be chained after it.
    if (started && this.tasks.some((t) => t.status === 'waiting' && t.after.includes(rt.id))) this.schedule();
  }

  protected update(rt: RunTask, patch: Partial<TaskReport>, detail?: string): void {
    const left = patch.status !== undefined && patch.status !== rt.status && patch.status !== 'integrating' && patch.status !== 'merged';
    Object.assign(rt, patch);
    if (patch.status === 'merged') this.starts.heads.merged(rt.id, this.integrator.head, rt.commit ?? undefined);
    // Its reported result will not merge as it was (a conflict, a failing verify, a failure).
    if (left) this.unwindEarly(rt);
    if (left && (rt.status === 'failed' || rt.status === 'blocked')) {
      void this.journal?.record({ type: 'settled', taskId: rt.id, status: rt.status, ...(rt.error ? { error: rt.error.slice(0, 4000) } : {}) }).catch(() => undefined);
    }
    this.opts.out.taskStatus(toReport(rt), detail);
  }
}
