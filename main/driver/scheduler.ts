/**
 * Which waiting task goes to which agent next. Pure: `assign` ranks the ready tasks (higher
 * priority, then the longest remaining chain of work behind them, then goal order) and gives
 * each to the agent with the most free slots, steering a retried task away from the agents it
 * failed on and giving nothing to agents that are backed off. `AgentHealth` decides when an
 * agent is backed off; `retryDelayMs` spaces out a task's retries.
 */

export interface SchedTask {
  id: string;
  after: readonly string[];
  status: string;
  /** Higher goes first; default 0. */
  priority?: number;
  /** Expected run time, ms: the weight of this task on a critical path. Default 1. */
  estimateMs?: number;
  /** Agents this task failed on: it goes elsewhere while another agent can take it. */
  avoidAgents?: readonly string[];
  /** It may wait in the queue of `preferAgents[0]` for this dependency of it to finish there: it needs no free slot. */
  chain?: string | undefined;
  /** Agents that refused this task (their owner's policy): it never goes to them. */
  refusedBy?: readonly string[];
  /** Not dispatched before this time (ms since the epoch), e.g. a retry's backoff. */
  notBefore?: number;
  /** Agents that already hold this task's base: one of them is taken when it has a free slot. */
  preferAgents?: readonly string[];
  /**
   * Ready before its dependencies have merged (see EarlyStarts): it may go only to one of
   * `preferAgents`, the agents that made their results (unless `spread`).
   */
  early?: boolean;
  /** An early start whose dependencies' results can be sent to every agent: any agent may take it, `preferAgents` first. */
  spread?: boolean;
}

export interface SchedAgent {
  id: string;
  slots: number;
  inFlight: number;
  /** Gets no task until this time (ms since the epoch); see `AgentHealth`. */
  backedOffUntil?: number;
  /**
   * Tasks it may hold beyond its slots, waiting in its own queue to start the moment a slot frees
   * (so no round trip is lost between one task and the next). Default 0.
   */
  queue?: number;
}

export interface Assignment {
  taskId: string;
  agentId: string;
}

/** Statuses a task never leaves: it will not run (again), so it is off every remaining path. */
const SETTLED = new Set(['merged', 'failed', 'blocked']);

/** Tasks that can never run because a dependency failed or was blocked. */
export function blockedTasks(tasks: readonly SchedTask[]): string[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const dead = new Set(tasks.filter((t) => t.status === 'failed' || t.status === 'blocked').map((t) => t.id));
  const out: string[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const t of tasks) {
      if (t.status !== 'waiting' || dead.has(t.id)) continue;
      if (t.after.some((d) => dead.has(d) || !byId.has(d))) {
        dead.add(t.id);
        out.push(t.id);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * What runs again when the user retries failed or blocked `id`: it, the failed and blocked tasks
 * it waits on, and the blocked tasks waiting on any of those. Undefined when `id` is neither.
 */
export function tasksToRetry(tasks: readonly SchedTask[], id: string): Set<string> | undefined {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const dead = (t: SchedTask | undefined): t is SchedTask => t?.status === 'failed' || t?.status === 'blocked';
  const first = byId.get(id);
  if (!dead(first)) return undefined;
  const again = new Set<string>();
  const upstream = (t: SchedTask): void => {
    if (again.has(t.id)) return;
    again.add(t.id);
    for (const d of t.after) { const dep = byId.get(d); if (dead(dep)) upstream(dep); }
  };
  upstream(first);
  for (let grew = true; grew;) {
    grew = false;
    for (const t of tasks) if (t.status === 'blocked' && !again.has(t.id) && t.after.some((d) => again.has(d))) { again.add(t.id); grew = true; }
  }
  return again;
}

/**
 * Assignments for as many ready tasks as there are free slots. A task is ready when it is
 * 'waiting', every dependency has merged (or it is `early`) and `notBefore` (if any) is not after `now`. Ready
 * tasks go out by higher `priority`, then longer remaining critical path (see `criticalPath`,
 * over the tasks not yet merged, failed or blocked), then goal order. Each goes to the agent
 * with the most free slots (ties: the earlier agent) — unless an agent in `preferAgents` (one
 * that already has the task's base, so nothing need be sent first) has a free slot: then that
 * one. Agents backed off past `now` get nothing.
 *
 * A task with `avoidAgents` goes only to another agent while one exists: if every other agent
 * is busy or backed off right now, the task waits for it (and later tasks may take the free
 * slots). Only when every agent is one it avoids may it go back to one of them. A task never
 * goes to an agent in its `refusedBy`.
 */
export function assign(tasks: readonly SchedTask[], agents: readonly SchedAgent[], now: number = Date.now()): Assignment[] {
  const merged = new Set(tasks.filter((t) => t.status === 'merged').map((t) => t.id));
  const ready = tasks.filter((t) => t.status === 'waiting' && (t.early || t.after.every((d) => merged.has(d))) && (t.notBefore ?? -Infinity) <= now);
  if (ready.length === 0) return [];
  const free = agents.map((a) => ({ id: a.id, free: (a.backedOffUntil ?? -Infinity) > now ? 0 : Math.max(0, a.slots - a.inFlight) }));
  let left = free.reduce((sum, a) => sum + a.free, 0);
  const remaining = pathLengths(tasks.filter((t) => !SETTLED.has(t.status)));
  const order = new Map(tasks.map((t, i) => [t.id, i]));
  const rank = (a: SchedTask, b: SchedTask): number => (b.priority ?? 0) - (a.priority ?? 0)
    || remaining.length.get(b.id)! - remaining.length.get(a.id)!;
  ready.sort((a, b) => rank(a, b) || order.get(a.id)! - order.get(b.id)!);

  const slotted: Assignment[] = [];
  for (const t of ready) {
    if (t.chain) continue;
    if (left === 0) break;
    const avoid = new Set(t.avoidAgents ?? []);
    const refused = new Set(t.refusedBy ?? []);
    const allAvoided = agents.every((a) => avoid.has(a.id) || refused.has(a.id));
    const allowed = free.filter((a) => !refused.has(a.id) && (allAvoided || !avoid.has(a.id)));
    const prefer = new Set(t.preferAgents ?? []);
    const agent = mostFree(allowed.filter((a) => prefer.has(a.id))) ?? (t.early && !t.spread ? undefined : mostFree(allowed));
    if (!agent) continue;
    agent.free--;
    left--;
    slotted.push({ taskId: t.id, agentId: agent.id });
  }
  const out = chainedStarts(tasks, ready, new Set(slotted.map((o) => o.taskId)), agents, rank, now).concat(slotted);
  // An early start waits for nothing: queued behind another task it would lose what it gains.
  const placed = new Set(out.map((o) => o.taskId));
  const unplaced = ready.filter((t) => !t.early && !placed.has(t.id));
  // A queued task takes the next slot its agent frees, so only one that would be picked then
  // anyway is queued: none ranking below a task still waiting for a dependency or for its early
  // start's agent (it may be ready by then, and would wait a whole task behind the queued one).
  const pending = tasks.filter((t) => t.status === 'waiting' && !placed.has(t.id) && !unplaced.includes(t));
  const first = pending.reduce<SchedTask | undefined>((best, t) => (best && rank(best, t) <= 0 ? best : t), undefined);
  return out.concat(queueAhead(first ? unplaced.filter((t) => rank(t, first) <= 0) : unplaced, unplaced.length, agents, now));
}

/**
 * Chained starts: each takes no free slot but waits in its agent's queue for the one its
 * dependency frees, before anyone else could have it. So a task is chained only while no task
 * ranking above it may want a slot by then: one ready that no slot took, one whose dependencies
 * have all started (it may be ready when that slot frees), or another chained after the same
 * dependency.
 */
function chainedStarts(tasks: readonly SchedTask[], ready: readonly SchedTask[], slotted: ReadonlySet<string>, agents: readonly SchedAgent[], rank: (a: SchedTask, b: SchedTask) => number, now: number): Assignment[] {
  const status = new Map(tasks.map((t) => [t.id, t.status]));
  const isReady = new Set(ready.map((t) => t.id));
  const contenders = tasks.filter((t) => t.status === 'waiting' && !slotted.has(t.id) && (t.notBefore ?? -Infinity) <= now
    && (isReady.has(t.id) || t.after.every((d) => status.get(d) !== 'waiting')));
  contenders.sort(rank);
  const out: Assignment[] = [];
  const claimed = new Set<string>();
  let above: SchedTask | undefined;
  for (const t of contenders) {
    if (above && rank(above, t) < 0) break;
    const dep = t.chain;
    const agent = dep !== undefined && isReady.has(t.id) && !claimed.has(dep) ? agents.find((a) => a.id === t.preferAgents?.[0]) : undefined;
    if (dep !== undefined && agent && (agent.backedOffUntil ?? -Infinity) <= now && !t.refusedBy?.includes(agent.id) && !t.avoidAgents?.includes(agent.id)) {
      claimed.add(dep);
      out.push({ taskId: t.id, agentId: agent.id });
    } else {
      above ??= t;
    }
  }
  return out;
}

/**
 * Tasks `queueable` of the `left` ready ones no slot took go into agents' own queues, only while
 * plenty more are ready than slots exist: near the end of a run a queued task could wait behind
 * a long one while another agent's slot sits idle.
 */
function queueAhead(queueable: readonly SchedTask[], left: number, agents: readonly SchedAgent[], now: number): Assignment[] {
  const slots = agents.reduce((sum, a) => sum + a.slots, 0);
  if (left < slots) return [];
  const spare = agents.map((a) => ({ id: a.id, free: (a.backedOffUntil ?? -Infinity) > now ? 0 : Math.max(0, (a.queue ?? 0) - Math.max(0, a.inFlight - a.slots)) }));
  const out: Assignment[] = [];
  for (const t of queueable) {
    const avoid = new Set([...(t.avoidAgents ?? []), ...(t.refusedBy ?? [])]);
    const prefer = new Set(t.preferAgents ?? []);
    const allowed = spare.filter((a) => !avoid.has(a.id));
    const agent = mostFree(allowed.filter((a) => prefer.has(a.id))) ?? mostFree(allowed);
    if (!agent) continue;
    agent.free--;
    out.push({ taskId: t.id, agentId: agent.id });
  }
  return out;
}

/** The entry with the most free slots (the first of equals), or undefined when none has one. */
function mostFree<T extends { free: number }>(list: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const a of list) if (a.free > 0 && (!best || a.free > best.free)) best = a;
  return best;
}

export interface CriticalPath {
  /** The tasks on the longest chain, first to last (dependency before dependent). */
  ids: string[];
  /** The sum of their weights. */
  length: number;
}

/**
 * The longest chain of dependent tasks, weighted by `durations` (ms per task id, e.g. measured
 * after a run), else by each task's `estimateMs`, else 1. Every task given counts, whatever its
 * status; of equally long chains, the one starting earliest in goal order.
 */
export function criticalPath(tasks: readonly SchedTask[], durations?: ReadonlyMap<string, number>): CriticalPath {
  const { length, next } = pathLengths(tasks, durations);
  let start: string | undefined;
  for (const t of tasks) if (start === undefined || length.get(t.id)! > length.get(start)!) start = t.id;
  const ids: string[] = [];
  for (let id = start; id !== undefined; id = next.get(id)) ids.push(id);
  return { ids, length: start === undefined ? 0 : length.get(start)! };
}

/**
 * Per task: the weight of the longest path from it to a sink within `tasks` (dependencies on
 * tasks not given are ignored), and the next task on that path. Tasks caught in a cycle (which
 * goal validation rules out) count only their own weight.
 */
function pathLengths(tasks: readonly SchedTask[], durations?: ReadonlyMap<string, number>): { length: Map<string, number>; next: Map<string, string> } {
  const weight = new Map(tasks.map((t) => [t.id, durations?.get(t.id) ?? t.estimateMs ?? 1]));
  const order = new Map(tasks.map((t, i) => [t.id, i]));
  const dependents = new Map<string, number>(tasks.map((t) => [t.id, 0]));
  for (const t of tasks) for (const d of new Set(t.after)) if (weight.has(d)) dependents.set(d, dependents.get(d)! + 1);
  const length = new Map(weight);
  const next = new Map<string, string>();
  // From the sinks back: a task's length is final once every dependent of it is done.
  const queue = tasks.filter((t) => dependents.get(t.id) === 0);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (let i = 0; i < queue.length; i++) {
    const t = queue[i]!;
    for (const d of new Set(t.after)) {
      if (!weight.has(d)) continue;
      const via = weight.get(d)! + length.get(t.id)!;
      const current = next.get(d);
      if (via > length.get(d)! || (via === length.get(d)! && current !== undefined && order.get(t.id)! < order.get(current)!)) {
        length.set(d, via);
        next.set(d, t.id);
      }
      const left = dependents.get(d)! - 1;
      dependents.set(d, left);
      if (left === 0) queue.push(byId.get(d)!);
    }
  }
  return { length, next };
}

/** Consecutive failures on one agent that back it off. */
export const FAILURES_BEFORE_BACKOFF = 2;
/** The first backoff of an agent; each further one in a row doubles it, up to the cap. */
export const AGENT_BACKOFF_BASE_MS = 30_000;
export const AGENT_BACKOFF_MAX_MS = 10 * 60_000;

export interface AgentHealthOptions {
  /** Current time, ms since the epoch; tests inject one. */
  clock?: () => number;
  failuresBeforeBackoff?: number;
  baseMs?: number;
  maxMs?: number;
}

interface HealthRecord {
  /** Failures since the last success or backoff. */
  failures: number;
  /** Backoffs since the last success. */
  backoffs: number;
  until: number;
}

/**
 * Successes and failures per agent, as distcc backs off a bad host: after
 * `FAILURES_BEFORE_BACKOFF` failures in a row an agent gets no task for `AGENT_BACKOFF_BASE_MS`,
 * doubling with each further backoff up to `AGENT_BACKOFF_MAX_MS`; one success clears it all.
 * Failures reported while an agent is backed off are of tasks started before, the same episode:
 * they do not count again.
 */
export class AgentHealth {
  private readonly records = new Map<string, HealthRecord>();
  private readonly clock: () => number;
  private readonly failuresBeforeBackoff: number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(opts: AgentHealthOptions = {}) {
    this.clock = opts.clock ?? Date.now;
    this.failuresBeforeBackoff = opts.failuresBeforeBackoff ?? FAILURES_BEFORE_BACKOFF;
    this.baseMs = opts.baseMs ?? AGENT_BACKOFF_BASE_MS;
    this.maxMs = opts.maxMs ?? AGENT_BACKOFF_MAX_MS;
  }

  success(agentId: string): void {
    this.records.delete(agentId);
  }

  /** It failed a task and has not succeeded since: it gets no task queued ahead. */
  inDoubt(agentId: string): boolean {
    return this.records.has(agentId);
  }

  /** Records a failed task; returns the time the agent is backed off until, if it now is. */
  failure(agentId: string): number | undefined {
    const now = this.clock();
    const r = this.records.get(agentId) ?? { failures: 0, backoffs: 0, until: 0 };
    this.records.set(agentId, r);
    if (r.until > now) return r.until;
    if (++r.failures < this.failuresBeforeBackoff) return undefined;
    r.failures = 0;
    r.until = now + Math.min(this.maxMs, this.baseMs * 2 ** r.backoffs);
    r.backoffs++;
    return r.until;
  }

  /** When the agent may get tasks again, or undefined when it may now. */
  backedOffUntil(agentId: string): number | undefined {
    const until = this.records.get(agentId)?.until ?? 0;
    return until > this.clock() ? until : undefined;
  }
}

/** The first retry's delay; each further attempt doubles it, up to the cap. */
export const RETRY_BASE_MS = 1_000;
export const RETRY_MAX_MS = 60_000;

/** How long to wait before retry number `attempt` (1 for the first retry) of a failed task. */
export function retryDelayMs(attempt: number, baseMs: number = RETRY_BASE_MS, maxMs: number = RETRY_MAX_MS): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
