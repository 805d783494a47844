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
import { runTaskOn } from './task-runner.js';
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
}

interface RunTask extends TaskReport {
  task: GoalTask;
  after: string[];
  client?: AgentClient;
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
    await this.integrator.close();

    const reports = this.tasks.map(({ task: _t, startedAt: _s, after: _a, client: _c, ...r }) => r);
    return {
      runId, branch: this.integrator.branch, base, elapsedMs: Date.now() - started,
      ok: reports.every((t) => t.status === 'merged'),
      costUsd: reports.reduce((sum, t) => sum + (t.costUsd ?? 0), 0),
      tasks: reports,
    };
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
    const agents = this.cancelled ? [] : this.opts.pool.agents;
    const plan = assign(this.tasks, agents.map((a) => ({ id: a.peerId.toString(), slots: a.info.slots, inFlight: this.inFlight.get(a.peerId.toString()) ?? 0 })));
    for (const { taskId, agentId } of plan) {
      const agent = agents.find((a) => a.peerId.toString() === agentId)!;
      void this.dispatch(this.byId(taskId), agent);
    }
    this.checkIdle(agents.length);
    if (this.tasks.every((t) => t.status === 'merged' || t.status === 'failed' || t.status === 'blocked')) this.finished();
  }

  /** Nothing can progress without an agent: wait a while for one, then fail what is left. */
  private checkIdle(agentCount: number): void {
    const busy = [...this.inFlight.values()].some((n) => n > 0) || this.tasks.some((t) => t.status === 'integrating');
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
    // A task with dependencies starts from the integration commit that holds all of them.
    const base = rt.task.after.length > 0 ? this.integrator.head : this.opts.base;
    rt.startedAt = Date.now();
    rt.client = agent;
    this.update(rt, { status: 'dispatching', agent: agent.name, base });
    const spec = {
      runId: this.opts.runId, taskId: rt.id, title: rt.title, prompt: composePrompt(this.opts.goal, rt.task),
      repoId: this.opts.repo.repoId, base, session: this.opts.goal.session,
    };
    try {
      const outcome = await runTaskOn(agent, spec, {
        repo: this.opts.repo,
        sync: this.sync,
        workDir: this.opts.runDir,
        onState: (e) => this.onAgentState(rt, e),
        onOutput: (chunk) => this.opts.out.taskOutput(rt.id, chunk),
      });
      const r = outcome.result;
      const facts = { commit: r.commit, durationMs: r.durationMs, costUsd: r.session?.costUsd ?? 0, turns: r.session?.numTurns ?? 0 };
      if (!r.ok) {
        this.update(rt, { ...facts, status: 'failed', error: r.error ?? 'the session failed' });
      } else if (!outcome.ref) {
        this.update(rt, { ...facts, status: 'merged' }, 'no changes to merge');
      } else {
        this.update(rt, { ...facts, status: 'integrating' });
        const merge = await this.integrator.merge(outcome.ref, `Merge task ${rt.id}: ${rt.title}`);
        if (merge.ok) this.update(rt, { status: 'merged' });
        else this.update(rt, { status: 'failed', conflicts: merge.conflicts, error: `merge conflict in ${merge.conflicts.join(', ') || 'the result'}: ${merge.message}` });
      }
    } catch (err) {
      this.update(rt, { status: 'failed', error: (err as Error).message, durationMs: Date.now() - (rt.startedAt ?? Date.now()) });
    } finally {
      this.inFlight.set(agentId, (this.inFlight.get(agentId) ?? 1) - 1);
      this.schedule();
    }
  }

  private onAgentState(rt: RunTask, e: TaskStateEvent): void {
    if (e.state === 'queued') this.update(rt, { status: 'queued' });
    else if (e.state === 'starting' || e.state === 'working') {
      if (rt.status !== 'running') this.update(rt, { status: 'running' });
    }
  }

  private update(rt: RunTask, patch: Partial<TaskReport>, detail?: string): void {
    Object.assign(rt, patch);
    const { task: _t, startedAt: _s, after: _a, client: _c, ...report } = rt;
    this.opts.out.taskStatus(report, detail);
  }

  private byId(id: string): RunTask {
    return this.tasks.find((t) => t.id === id)!;
  }
}
