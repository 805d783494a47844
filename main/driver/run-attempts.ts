/**
 * How a run's attempts end when they do not deliver: a failure is retried on another agent after
 * a backoff (or fails the task once its retries are spent), a refusal goes to another agent at
 * once, a timeout is cancelled on its agent, and an early or chained start is let go without
 * counting. The slots attempts hold are given back here. RunEngine (run-engine.ts) builds on it.
 */
import { taskEstimates, taskSession, taskTimeoutMs } from '../../shared/goal/index.js';
import { modeRefusal } from '../../shared/protocol/permission-modes.js';
import type { AgentClient } from './agent-client.js';
import { AgentHealth, retryDelayMs } from './scheduler.js';
import { AgentSlots } from './agent-slots.js';
import { newRunTask, type RunTask } from './run-task.js';
import type { RemoteTask } from './remote-task.js';
import type { TaskReport } from './run-output.js';
import type { RunRecovery } from './run-recovery.js';
import type { StartPoints } from './start-points.js';
import { DEFAULT_RETRIES, type RunOptions } from './run-options.js';

export abstract class RunAttempts {
  protected readonly tasks: RunTask[];
  protected readonly slots = new AgentSlots();
  protected readonly health = new AgentHealth();
  protected abstract readonly recovery: RunRecovery;
  protected abstract readonly starts: StartPoints;
  protected cancelled: string | undefined;
  /** Tasks the user cancelled: their attempt's failure is final (no retry). */
  protected readonly cancelledTasks = new Set<string>();

  constructor(protected readonly opts: RunOptions) {
    const goal = opts.goal;
    const estimates = taskEstimates(goal);
    this.tasks = goal.tasks.map((task) => newRunTask(goal, task, estimates?.get(task.id)));
  }

  protected abstract schedule(): void;
  protected abstract update(rt: RunTask, patch: Partial<TaskReport>, detail?: string): void;

  private get retries(): number {
    return this.opts.goal.retries ?? DEFAULT_RETRIES;
  }

  protected startTimer(rt: RunTask, remote: RemoteTask): void {
    const timeoutMs = taskTimeoutMs(this.opts.goal, rt.task);
    if (timeoutMs) rt.timer = setTimeout(() => this.timedOut(rt, remote, timeoutMs), timeoutMs);
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
  protected attemptFailed(rt: RunTask, error: string, retryNow = false): void {
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
      // An agent that went away says nothing about the task: it goes elsewhere at once.
      const delay = retryNow ? 0 : retryDelayMs(rt.attempts);
      rt.notBefore = Date.now() + delay;
      this.update(rt, { status: 'waiting', error }, `attempt ${rt.attempts} failed (${error}); retrying in ${(delay / 1000).toFixed(1)} s, on another agent if one is free`);
    }
    this.releaseSlot(rt);
  }

  /**
   * The agent will not run the task as specified (its owner's policy): nothing ran, and it says
   * nothing about the agent's health. The task goes to another agent at once, or fails now when
   * every agent of the run has refused it.
   */
  protected refused(rt: RunTask, agentId: string, error: string): void {
    this.dropAttempt(rt);
    rt.attempts--;
    if (!this.refusedBy(rt, agentId, error)) this.update(rt, { status: 'waiting', error }, `refused by ${rt.client?.name ?? 'its agent'} (${error}); trying another agent`);
    this.releaseSlot(rt);
  }

  /**
   * An agent whose owner does not allow the task's permission mode (its info says which it
   * does) would refuse it: it counts as having refused, without being asked.
   */
  protected refusedAhead(rt: RunTask, agents: readonly AgentClient[]): void {
    const mode = taskSession(this.opts.goal, rt.task).permissionMode;
    if (mode === undefined) return;
    for (const agent of agents) {
      const id = agent.peerId.toString();
      const refusal = modeRefusal(mode, agent.info.permissionModes);
      if (refusal && !rt.refusedBy.includes(id) && this.refusedBy(rt, id, `agent ${agent.name} ${refusal}`)) return;
    }
  }

  /** `agentId` will not run `rt`: the task fails, and true is returned, once every agent of the run has refused it. */
  private refusedBy(rt: RunTask, agentId: string, error: string): boolean {
    rt.refusedBy.push(agentId);
    if (!this.opts.pool.agents.every((a) => rt.refusedBy.includes(a.peerId.toString()))) return false;
    this.update(rt, { status: 'failed', error: `${error} (every agent of this run refuses it)` });
    return true;
  }

  /**
   * Stops following the task's current attempt: its timer, its session's stream (a late report
   * from it is ignored). An attempt on an agent that cannot be told is cancelled when it is back.
   */
  protected dropAttempt(rt: RunTask): void {
    clearTimeout(rt.timer);
    if (rt.chainedOn) this.starts.early.forget(rt.id);
    rt.chainedOn = undefined;
    const remote = rt.remote;
    rt.remote = undefined;
    if (remote) this.recovery.dropped(remote);
    void remote?.close();
  }

  /** Frees the task's slot on its agent (if it still holds one) and, unless told not to, schedules what can go next. */
  protected releaseSlot(rt: RunTask, schedule = true): void {
    this.slots.release(rt);
    if (schedule) this.schedule();
  }

  /** Lets go of `t`'s early-started attempt: it starts again, and the attempt does not count. */
  protected restartEarly(t: RunTask, detail: string): void {
    this.cancelOnAgent(t);
    this.dropAttempt(t);
    this.releaseSlot(t, false);
    t.attempts = Math.max(0, t.attempts - 1);
    // It ran nowhere yet, as far as its report goes.
    this.update(t, { status: 'waiting', attempts: t.attempts, agent: undefined }, detail);
  }

  /** Asks the task's agent to stop its current attempt; an agent that is gone has stopped it already. */
  protected cancelOnAgent(rt: RunTask): void {
    void rt.client?.rpc.request('task.cancel', { runId: this.opts.runId, taskId: rt.agentTaskId ?? rt.id }).catch(() => undefined);
  }

  protected byId(id: string): RunTask {
    return this.tasks.find((t) => t.id === id)!;
  }
}
