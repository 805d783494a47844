/** What a goal's task graph comes to before it runs: its critical path, and its work in all, by the goal's estimates. */
import { taskEstimates } from '../../shared/goal/task-settings.js';
import type { GoalTask } from '../../shared/goal/types.js';
import { criticalPath } from './scheduler.js';

export interface GraphOutline {
  /** The longest chain of `after:`, weighed by the estimates when the goal gives any (else counted in tasks), first to last. */
  criticalPath: { ids: string[]; estimateMs?: number };
  /** Every task's estimate added up, a task without one counting as the median of the others'; only when the goal gives any. */
  workMs?: number;
}

export function outlineGraph(tasks: ReadonlyArray<Pick<GoalTask, 'id' | 'after' | 'estimateMs'>>): GraphOutline {
  const estimates = taskEstimates({ tasks });
  const path = criticalPath(tasks.map((t) => ({ id: t.id, after: t.after, status: 'waiting' })), estimates);
  if (!estimates) return { criticalPath: { ids: path.ids } };
  return { criticalPath: { ids: path.ids, estimateMs: path.length }, workMs: [...estimates.values()].reduce((a, b) => a + b, 0) };
}
