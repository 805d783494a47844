/**
 * What a scheduling policy alone achieves on a graph: an event-driven replay of `assign` with
 * the measured task durations and no overhead at all (a task starts the instant it is assigned,
 * its dependents are ready the instant it ends). Also the lower bound every schedule obeys.
 */
import { assign, criticalPath, type SchedAgent, type SchedTask } from '../../main/driver/scheduler.js';

export interface Bound {
  /** Longest chain by duration, ms. */
  pathMs: number;
  /** Every task's duration added up, divided by the slots, ms. */
  workPerSlotMs: number;
  /** max(pathMs, workPerSlotMs): no schedule on `slots` slots can finish sooner. */
  ms: number;
}

export function lowerBound(tasks: ReadonlyArray<{ id: string; after: readonly string[] }>, durations: ReadonlyMap<string, number>, slots: number): Bound {
  const pathMs = criticalPath(tasks.map((t) => ({ ...t, status: 'waiting' })), durations).length;
  const workPerSlotMs = tasks.reduce((sum, t) => sum + durations.get(t.id)!, 0) / slots;
  return { pathMs, workPerSlotMs, ms: Math.max(pathMs, workPerSlotMs) };
}

/**
 * How the replay ranks ready tasks: `assign` as the driver calls it (with the goal's estimates);
 * without estimates (every task weighs 1 on a critical path); told each task's length as
 * `estimateMs` beforehand; or goal order alone (what the driver did before critical paths), by
 * giving every task a priority that falls with its position.
 */
export const RANKINGS = ['as-called', 'no-estimates', 'known-lengths', 'goal-order'] as const;
export type Ranking = (typeof RANKINGS)[number];

type SimTask = { id: string; after: readonly string[]; estimateMs?: number };

const weight = (t: SimTask, i: number, durations: ReadonlyMap<string, number>, ranking: Ranking): Partial<SchedTask> => {
  switch (ranking) {
    case 'as-called': return t.estimateMs !== undefined ? { estimateMs: t.estimateMs } : {};
    case 'no-estimates': return {};
    case 'known-lengths': return { estimateMs: durations.get(t.id)! };
    case 'goal-order': return { priority: -i };
  }
};

/** Makespan, ms, of `assign` over `agents` (of `slotsEach` slots) with no overhead. */
export function simulate(tasks: readonly SimTask[], durations: ReadonlyMap<string, number>, agents: number, slotsEach: number, ranking: Ranking): number {
  const state: SchedTask[] = tasks.map((t, i) => ({ id: t.id, after: t.after, status: 'waiting', ...weight(t, i, durations, ranking) }));
  const byId = new Map(state.map((t) => [t.id, t]));
  const pool: SchedAgent[] = Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, slots: slotsEach, inFlight: 0 }));
  const running: Array<{ id: string; agent: SchedAgent; ends: number }> = [];
  let now = 0;
  for (;;) {
    for (const { taskId, agentId } of assign(state, pool, now)) {
      const agent = pool.find((a) => a.id === agentId)!;
      agent.inFlight++;
      byId.get(taskId)!.status = 'running';
      running.push({ id: taskId, agent, ends: now + durations.get(taskId)! });
    }
    if (running.length === 0) break;
    now = Math.min(...running.map((r) => r.ends));
    for (let i = running.length - 1; i >= 0; i--) {
      const r = running[i]!;
      if (r.ends > now) continue;
      r.agent.inFlight--;
      byId.get(r.id)!.status = 'merged';
      running.splice(i, 1);
    }
  }
  if (state.some((t) => t.status !== 'merged')) throw new Error('the simulated schedule left tasks unrun');
  return now;
}
