/**
 * One run of a goal: validated tasks go to agents as their dependencies merge; results are
 * integrated one by one into `claudecluster/<run>`; the run ends when every task has merged,
 * failed or become blocked.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Goal, GoalTask } from '../../shared/goal/types.js';
import { composePrompt } from '../../shared/goal/index.js';
import type { TaskStateEvent } from '../../shared/protocol/control.js';
import type { AgentClient } from './agent-client.js';
import type { AgentPool } from './pool.js';
import { Integrator } from './integrator.js';
import { RepoSync } from './sync.js';
import { RemoteTask } from './remote-task.js';
import type { TaskResult } from '../../shared/protocol/control.js';
import { assign, blockedTasks } from './scheduler.js';
import type { UserRepo } from './user-repo.js';
import type { RunOutput, RunSummary, TaskReport } from './run-output.js';

/** With no agent connected and nothing running, how long to wait for one before giving up. */
export const NO_AGENT_GRACE_MS = 15_000;

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
}

interface RunTask extends TaskReport {
  task: GoalTask;
  after: string[];
  client?: AgentClient;
  remote?: RemoteTask;
  /** Whether it still holds a slot on its agent (until its first result). */
  holdsSlot?: boolean;
  startedAt?: number;
}

export class Run {
  private readonly tasks: RunTask[];
  private readonly inFlight = new Map<string, number>();
  private integrator!: Integrator;
  private sync!: RepoSync;
  private finished!: () => void;
  private noAgentTimer: NodeJS.Timeout | undefined;
  private cancelled: string | undefined;
  private closeRequested = false;

  constructor(private readonly opts: RunOptions) {
    this.tasks = opts.goal.tasks.map((task) => ({ id: task.id, title: task.title, after: task.after, status: 'waiting', task }));
  }

  async execute(): Promise<RunSummary> {
    const { runId, repo, base, runDir, out, pool } = this.opts;
    const started = Date.now();
    await mkdir(runDir, { recursive: true, mode: 0o700 });
    this.integrator = await Integrator.create(repo, runId, base, join(runDir, 'integration'));
    this.sync = new RepoSync(repo, runDir, runId);
    out.runStarted({ runId, branch: this.integrator.branch, base, tasks: this.opts.goal.tasks.map((t) => ({ id: t.id, title: t.title, after: t.after })) });

    const done = new Promise<void>((resolve) => { this.finished = resolve; });
    const onAgent = (): void => this.schedule();
    pool.on('agent', onAgent);
    this.schedule();
    await done;
    pool.off('agent', onAgent);
    clearTimeout(this.noAgentTimer);
    await Promise.allSettled(this.tasks.map((t) => t.remote?.close()));
    await this.integrator.close();

    const reports = this.tasks.map((t) => this.report(t));
    return {
      runId, branch: this.integrator.branch, base, elapsedMs: Date.now() - started,
      ok: reports.every((t) => t.status === 'merged'),
      costUsd: this.spent(),
      agents: costByAgent(reports),
      tasks: reports,
    };
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
        void t.client.rpc.request('task.cancel', { runId: this.opts.runId, taskId: t.id }).catch(() => undefined);
      }
    }
    this.schedule();
  }

  private schedule(): void {
    for (const id of blockedTasks(this.tasks)) this.update(this.byId(id), { status: 'blocked', error: 'a task it depends on did not merge' });
    if (!this.cancelled && this.opts.budgetUsd !== undefined && this.spent() >= this.opts.budgetUsd) {
      for (const t of this.tasks) if (t.status === 'waiting') this.update(t, { status: 'failed', error: `the run's budget of $${this.opts.budgetUsd} is spent` });
    }
    const agents = this.cancelled ? [] : this.opts.pool.agents;
    const plan = assign(this.tasks, agents.map((a) => ({ id: a.peerId.toString(), slots: a.info.slots, inFlight: this.inFlight.get(a.peerId.toString()) ?? 0 })));
    for (const { taskId, agentId } of plan) {
      const agent = agents.find((a) => a.peerId.toString() === agentId)!;
      void this.dispatch(this.byId(taskId), agent);
    }
    this.checkIdle(agents.length);
    const settled = this.tasks.every((t) => t.status === 'merged' || t.status === 'failed' || t.status === 'blocked');
    if (settled && (!this.opts.stayOpen || this.closeRequested || this.cancelled)) this.finished();
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

  private async dispatch(rt: RunTask, agent: AgentClient): Promise<void> {
    const agentId = agent.peerId.toString();
    this.inFlight.set(agentId, (this.inFlight.get(agentId) ?? 0) + 1);
    rt.holdsSlot = true;
    // A task with dependencies starts from the integration commit that holds all of them.
    const base = rt.task.after.length > 0 ? this.integrator.head : this.opts.base;
    rt.startedAt = Date.now();
    rt.client = agent;
    this.update(rt, { status: 'dispatching', agent: agent.name, base });
    const spec = {
      runId: this.opts.runId, taskId: rt.id, title: rt.title, prompt: composePrompt(this.opts.goal, rt.task),
      repoId: this.opts.repo.repoId, base, session: this.opts.goal.session,
    };
    const remote = new RemoteTask(agent, spec, {
      repo: this.opts.repo,
      sync: this.sync,
      workDir: this.opts.runDir,
      onState: (e) => this.onAgentState(rt, e),
      onOutput: (chunk) => this.opts.out.taskOutput(rt.id, chunk),
      onResult: (r, ref) => this.onResult(rt, r, ref),
      onLost: (err) => {
        if (rt.status !== 'merged' && rt.status !== 'failed') this.update(rt, { status: 'failed', error: err.message });
        this.releaseSlot(rt);
      },
    });
    rt.remote = remote;
    try {
      await remote.start();
    } catch (err) {
      this.update(rt, { status: 'failed', error: (err as Error).message, durationMs: Date.now() - (rt.startedAt ?? Date.now()) });
      this.releaseSlot(rt);
    }
  }

  /** Frees the task's slot on its agent (if it still holds one) and schedules what can go next. */
  private releaseSlot(rt: RunTask): void {
    if (rt.holdsSlot && rt.client) {
      rt.holdsSlot = false;
      const agentId = rt.client.peerId.toString();
      this.inFlight.set(agentId, (this.inFlight.get(agentId) ?? 1) - 1);
    }
    this.schedule();
  }

  /** A result: the first settles the task; a later one (a follow-up turn) is integrated again. */
  private async onResult(rt: RunTask, r: TaskResult, ref: string | undefined): Promise<void> {
    const facts = { commit: r.commit, durationMs: r.durationMs, costUsd: r.session?.costUsd ?? rt.costUsd ?? 0, turns: r.turn };
    const followUp = r.turn > 1;
    if (!r.ok) {
      this.update(rt, { ...facts, status: 'failed', error: r.error ?? 'the session failed' });
    } else if (!ref) {
      if (!followUp) this.update(rt, { ...facts, status: 'merged' }, 'no changes to merge');
    } else {
      this.update(rt, { ...facts, status: 'integrating' }, followUp ? `follow-up turn ${r.turn}` : undefined);
      const merge = await this.integrator.merge(ref, followUp ? `Merge task ${rt.id} (turn ${r.turn}): ${rt.title}` : `Merge task ${rt.id}: ${rt.title}`);
      if (merge.ok) this.update(rt, { status: 'merged' }, followUp ? `turn ${r.turn} re-integrated` : undefined);
      else this.update(rt, { status: 'failed', conflicts: merge.conflicts, error: `merge conflict in ${merge.conflicts.join(', ') || 'the result'}: ${merge.message}` });
    }
    // Nobody can type a follow-up into a run that is not kept open: end the session now.
    if (!this.opts.stayOpen) void rt.remote?.close();
    this.releaseSlot(rt);
  }

  private onAgentState(rt: RunTask, e: TaskStateEvent): void {
    if (e.costUsd !== undefined) rt.costUsd = e.costUsd;
    if (rt.status === 'merged' || rt.status === 'failed' || rt.status === 'integrating') return;
    const status = e.state === 'queued' ? 'queued' : e.state === 'needs-input' ? 'needs-input' : e.state === 'starting' || e.state === 'working' ? 'running' : undefined;
    if (status && (status !== rt.status || status === 'needs-input')) this.update(rt, { status }, e.detail);
  }

  private update(rt: RunTask, patch: Partial<TaskReport>, detail?: string): void {
    Object.assign(rt, patch);
    this.opts.out.taskStatus(this.report(rt), detail);
  }

  private report(rt: RunTask): TaskReport {
    const { task: _t, startedAt: _s, after: _a, client: _c, remote: _r, holdsSlot: _h, ...report } = rt;
    return report;
  }

  private byId(id: string): RunTask {
    return this.tasks.find((t) => t.id === id)!;
  }
}

function costByAgent(tasks: TaskReport[]): Array<{ agent: string; tasks: number; costUsd: number }> {
  const by = new Map<string, { agent: string; tasks: number; costUsd: number }>();
  for (const t of tasks) {
    if (!t.agent) continue;
    const a = by.get(t.agent) ?? { agent: t.agent, tasks: 0, costUsd: 0 };
    a.tasks++;
    a.costUsd += t.costUsd ?? 0;
    by.set(t.agent, a);
  }
  return [...by.values()];
}
