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
    const sync = this.run.sync();
    // On an agent that made one of its results and holds, or can be sent, the others; on any once every one can be sent everywhere (it came inline, or it is here).
    if (from) {
      const makers = from.makers.filter((id) => from.commits.every((c) => sync.knownTo(id).has(c) || sync.canSend(c, [id])));
      if (makers.length > 0) return { early: true, spread: from.commits.every((c) => sync.canSend(c, agentIds)), chain: false, preferAgents: makers };
    }
    const dep = chains ? this.chainAfter(rt) : undefined;
    if (dep?.client) return { early: true, spread: false, chain: true, preferAgents: [dep.client.peerId.toString()] };
    return { early: false, spread: false, chain: false, preferAgents: agentIds.filter((id) => sync.knownTo(id).has(this.baseFor(rt, id))) };
  }
}
