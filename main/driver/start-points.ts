/**
 * Where each attempt of a run starts: the commit it is based on, whether it may start early
 * (before its last dependency merged: EarlyStarts) and which agents already hold that start.
 */
import { BranchHeads } from './branch-heads.js';
import { EarlyStarts } from './early-start.js';
import type { RunTask } from './run-task.js';
import type { RepoSync } from './sync.js';

/** An early start: on `agentId`, which made `depId`'s result `commit`; after several tasks, with that result merged in on the agent. */
export interface EarlyStart {
  depId: string;
  agentId: string;
  commit: string;
  mergeIn?: string;
}

export interface StartPointsOf {
  byId(id: string): RunTask;
  sync(): RepoSync;
  /** The run branch's head now. */
  head(): string;
  /** The commit the run started from. */
  runBase: string;
}

export class StartPoints {
  readonly early = new EarlyStarts();
  readonly heads = new BranchHeads();

  constructor(private readonly run: StartPointsOf) {}

  /**
   * Where a task starts: the run's base; for a task after exactly one other, that task's result
   * (it holds everything the task depends on, and the agent that made it has it already); for
   * more dependencies, the newest run branch head holding those merged that `agentId` has, else
   * the branch's head; for a conflict resolution, the branch's head.
   */
  baseFor(rt: RunTask, agentId?: string): string {
    if (rt.resolving) return this.run.head();
    if (rt.task.after.length === 0) return this.run.runBase;
    const only = rt.task.after.length === 1 ? this.run.byId(rt.task.after[0]!) : undefined;
    if (only?.status === 'merged' && only.commit) return only.commit;
    const reported = only ? this.early.baseFrom(only.id) : undefined;
    if (reported) return reported.commit;
    const merged = rt.task.after.filter((id) => this.run.byId(id).status === 'merged');
    const held = agentId === undefined ? undefined : this.heads.newestHolding(merged, this.run.sync().knownTo(agentId));
    return held ?? this.run.head();
  }

  /**
   * Where a task may start early, on the agent that made the result it waits for: after exactly
   * one task, from that task's reported result; after several, all merged but one that has
   * reported, from a branch head holding the others with that result merged in (`mergeIn`).
   */
  earlyStart(rt: RunTask): EarlyStart | undefined {
    if (rt.resolving) return undefined;
    const open = rt.after.map((id) => this.run.byId(id)).filter((d) => d.status !== 'merged');
    const dep = open.length === 1 ? open[0]! : undefined;
    const from = dep && this.early.baseFrom(dep.id);
    if (!dep || !from || from.commit === rt.unmergeable) return undefined;
    const start = { depId: dep.id, agentId: from.agentId, commit: from.commit };
    return rt.after.length === 1 ? start : { ...start, mergeIn: from.commit };
  }

  /**
   * The dependency `rt` may be chained after now: its one unmerged dependency, at work on an agent
   * and not reported yet (a follow-up turn is not: the agent would start from the turn before),
   * with no other task started on it. The agent starts `rt` from its first result the moment it
   * has one (see agent/task-chain.ts).
   */
  chainAfter(rt: RunTask): RunTask | undefined {
    if (rt.resolving || rt.unmergeable) return undefined;
    const open = rt.after.map((id) => this.run.byId(id)).filter((d) => d.status !== 'merged');
    const dep = open.length === 1 ? open[0]! : undefined;
    if (!dep || dep.resolving || !dep.remote || dep.remote.hasReported || !dep.agentTaskId || dep.agentTaskId === rt.noStartFrom) return undefined;
    if (dep.status !== 'running' && dep.status !== 'needs-input') return undefined;
    return this.early.baseFrom(dep.id) || this.early.anyOn(dep.id) ? undefined : dep;
  }

  /**
   * For the scheduler: whether `rt` may start early now (on any agent, once the result it starts
   * from can be sent to each: see RepoSync.canSend), or be chained (when `chains` allows it),
   * and the agents that hold where it would start.
   */
  placement(rt: RunTask, agentIds: readonly string[], chains: boolean): { early: boolean; spread: boolean; chain: boolean; preferAgents: string[] } {
    const from = this.earlyStart(rt);
    // Once that result can be sent to every agent (it came inline, or it is here) it starts on any; its maker needs nothing sent.
    if (from) return { early: true, spread: this.run.sync().canSend(from.commit, agentIds), chain: false, preferAgents: [from.agentId] };
    const dep = chains ? this.chainAfter(rt) : undefined;
    if (dep?.client) return { early: true, spread: false, chain: true, preferAgents: [dep.client.peerId.toString()] };
    return { early: false, spread: false, chain: false, preferAgents: agentIds.filter((id) => this.run.sync().knownTo(id).has(this.baseFor(rt, id))) };
  }
}
