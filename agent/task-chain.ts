/**
 * Chained starts (`spec.chainAfter`): a task queued behind another of its run on this agent takes
 * the slot that one frees the moment it reports a result with a commit, and starts from that
 * commit, without waiting for the driver to hear of the result and send it. On a chain of tasks
 * that saves a report and a dispatch per link.
 */
import type { TaskSpec } from '../shared/protocol/control.js';
import type { Task } from './task.js';

/** Where a task chained after `dep` starts, or whether it must still wait, or never can. */
export type ChainStart = NonNullable<Task['chainFrom']> | 'wait' | 'never';

export function chainStart(dep: Task, spec: TaskSpec): ChainStart {
  const made = dep.results.find((r) => r.ok && r.commit);
  if (made?.commit) {
    // That commit holds `base` when the task was to start where `dep` started: check it out.
    const checkout = spec.base === dep.spec.base || spec.base === dep.startedFrom;
    return { commit: made.commit, checkout };
  }
  return dep.results.length > 0 || dep.state === 'failed' || dep.state === 'cancelled' || dep.state === 'exited' ? 'never' : 'wait';
}

/** Whether `task` is chained after `dep`. */
export function chainedAfter(task: Task, dep: Task): boolean {
  return task.spec.chainAfter === dep.spec.taskId && task.spec.runId === dep.spec.runId && task.owner === dep.owner;
}

/** The index of the queued task to start next: one whose chained start is settled first (it takes its predecessor's slot), else the first not waiting on one. */
export function nextInQueue(queue: readonly Task[]): number {
  const chained = queue.findIndex((t) => t.chainFrom !== undefined);
  return chained !== -1 ? chained : queue.findIndex((t) => t.spec.chainAfter === undefined);
}
