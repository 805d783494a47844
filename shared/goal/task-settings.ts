/** What applies to one task: the goal's settings, overlaid with the task's own. */
import type { Goal, GoalTask, SessionOptions } from './types.js';

/** The priority of a task that sets none, in a goal that sets none. */
export const DEFAULT_PRIORITY = 0;

/** The task's session options: the goal's `session`, with the task's own `model:`, `mode:`… over it. */
export function taskSession(goal: Pick<Goal, 'session'>, task: Pick<GoalTask, 'session'>): SessionOptions {
  return { ...goal.session, ...task.session };
}

/** The task's priority (higher runs first): its own, else the goal's, else DEFAULT_PRIORITY. */
export function taskPriority(goal: Pick<Goal, 'priority'>, task: Pick<GoalTask, 'priority'>): number {
  return task.priority ?? goal.priority ?? DEFAULT_PRIORITY;
}

/**
 * Each task's weight on a critical path, in milliseconds: its `estimate:`; for a task without one
 * in a goal where others have one, the median of those (an ordinary task). Undefined when no task
 * has an estimate: then every task weighs the same.
 */
export function taskEstimates(goal: { tasks: ReadonlyArray<Pick<GoalTask, 'id' | 'estimateMs'>> }): Map<string, number> | undefined {
  const given = goal.tasks.flatMap((t) => (t.estimateMs === undefined ? [] : [t.estimateMs])).sort((a, b) => a - b);
  if (given.length === 0) return undefined;
  const mid = given.length / 2;
  const median = given.length % 2 === 1 ? given[Math.floor(mid)]! : (given[mid - 1]! + given[mid]!) / 2;
  return new Map(goal.tasks.map((t) => [t.id, t.estimateMs ?? median]));
}

/** The most one attempt of the task may take, in milliseconds: its own, else the goal's; undefined for no limit. */
export function taskTimeoutMs(goal: Pick<Goal, 'timeoutMs'>, task: Pick<GoalTask, 'timeoutMs'>): number | undefined {
  return task.timeoutMs ?? goal.timeoutMs;
}
