/**
 * Where each attempt of a run starts: the commit it is based on, whether it may start early
 * (before its dependencies merged: EarlyStarts) and which agents already hold that start.
 */
import { MAX_MERGE_IN } from '../../shared/protocol/control.js';
import { BranchHeads } from './branch-heads.js';
import { EarlyStarts, type Reported } from './early-start.js';
import type { RunTask } from './run-task.js';
import type { RepoSync } from './sync.js';

/** An early start, from the reported results of every dependency not merged yet. */
export interface EarlyStart {
  depIds: string[];
  /** Their reported results, in the same order. */
  commits: string[];
  /** The agents that made them, those that made the most first. */
  makers: string[];
  /** After several tasks: `commits`, merged into the base on the agent. After one, its result is the base. */
  mergeIn?: string[];
}

/** A chained start, after a dependency at work on the agent it goes to. */
export interface Chain {
  dep: RunTask;
  /** That agent. */
  agentId: string;
  /** Every dependency not merged yet: `dep`, and those that reported a result. */
  depIds: string[];
  /** Those reported results, merged in on the agent after `dep`'s. */
  mergeIn?: string[];
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
   * Where a task may start early: once every dependency not merged yet has reported (up to
   * MAX_MERGE_IN of them, none a result that did not merge cleanly into its base before); after
   * one task, from its result; after several, from a branch head holding the merged ones, with
   * the reported results merged in on the agent.
   */
  earlyStart(rt: RunTask): EarlyStart | undefined {
    if (rt.resolving) return undefined;
    const open = rt.after.filter((id) => this.run.byId(id).status !== 'merged');
    if (open.length === 0 || open.length > MAX_MERGE_IN) return undefined;
    const from = open.map((id) => this.early.baseFrom(id));
    if (!from.every((f): f is Reported => f !== undefined && !rt.unmergeable?.includes(f.commit))) return undefined;
    const commits = from.map((f) => f.commit);
    const made = new Map<string, number>();
    for (const f of from) made.set(f.agentId, (made.get(f.agentId) ?? 0) + 1);
    const start = { depIds: open, commits, makers: [...made.keys()].sort((a, b) => made.get(b)! - made.get(a)!) };
    return rt.after.length === 1 ? start : { ...start, mergeIn: commits };
  }

  /**
   * The chained start `rt` may take now: after its one unmerged dependency still at work on an
   * agent (a follow-up turn is not: the agent would start from the turn before), with no other
   * task started on it, once every other unmerged dependency has reported a result that agent
   * holds or can be sent. The agent starts `rt` from the first result the moment it has one,
   * with the reported ones merged in (see agent/task-chain.ts).
   */
  chainAfter(rt: RunTask): Chain | undefined {
    if (rt.resolving || rt.unmergeable) return undefined;
    const open = rt.after.map((id) => this.run.byId(id)).filter((d) => d.status !== 'merged');
    const atWork = open.filter((d) => !this.early.baseFrom(d.id));
    const dep = atWork.length === 1 ? atWork[0]! : undefined;
    if (!dep?.client || dep.resolving || !dep.remote || dep.remote.hasReported || !dep.agentTaskId || dep.agentTaskId === rt.noStartFrom) return undefined;
    if ((dep.status !== 'running' && dep.status !== 'needs-input') || this.early.anyOn(dep.id) || open.length > MAX_MERGE_IN + 1) return undefined;
    const sync = this.run.sync();
    const on = dep.client.peerId.toString();
    const reported = open.filter((d) => d !== dep).map((d) => this.early.baseFrom(d.id)!.commit);
    if (!reported.every((c) => sync.knownTo(on).has(c) || sync.canSend(c, [on]))) return undefined;
    const chain = { dep, agentId: on, depIds: open.map((d) => d.id) };
    return reported.length > 0 ? { ...chain, mergeIn: reported } : chain;
  }

  /**
   * For the scheduler: whether `rt` may start early now (on any agent, once the result it starts
   * from can be sent to each: see RepoSync.canSend), or be chained (when `chains` allows it),
   * and the agents that hold where it would start.
   */
  placement(rt: RunTask, agentIds: readonly string[], chains: boolean): { early: boolean; spread: boolean; chain: string | undefined; preferAgents: string[] } {
    const from = this.earlyStart(rt);
    const sync = this.run.sync();
    // On an agent that made one of its results and holds, or can be sent, the others; on any once every one can be sent everywhere (it came inline, or it is here).
    if (from) {
      const makers = from.makers.filter((id) => from.commits.every((c) => sync.knownTo(id).has(c) || sync.canSend(c, [id])));
      if (makers.length > 0) return { early: true, spread: from.commits.every((c) => sync.canSend(c, agentIds)), chain: undefined, preferAgents: makers };
    }
    const chain = chains ? this.chainAfter(rt) : undefined;
    if (chain) return { early: true, spread: false, chain: chain.dep.id, preferAgents: [chain.agentId] };
    return { early: false, spread: false, chain: undefined, preferAgents: agentIds.filter((id) => sync.knownTo(id).has(this.baseFor(rt, id))) };
  }
}
