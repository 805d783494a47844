/**
 * Checks on a task graph, whether it came from a goal file or from a planner, and the order
 * tasks can run in.
 */
import { didYouMean } from '../did-you-mean.js';
import { findCycles } from './cycles.js';
import type { GoalError, GoalTask } from './types.js';

/** A title that says anything has at least one letter or digit, in any script. */
const SAYS_SOMETHING = /[\p{L}\p{N}]/u;

/**
 * Every problem in the graph, sorted by line: duplicate ids, titles with nothing to do,
 * dependencies on unknown tasks, and dependency cycles (each reported once).
 * When an id is duplicated, the first task with it is the one the graph uses.
 */
export function validateGraph(file: string, tasks: readonly GoalTask[]): GoalError[] {
  const errors: GoalError[] = [];
  const report = (code: GoalError['code'], task: GoalTask, message: string) =>
    errors.push({ code, file, line: task.line, message });
  const byId = new Map<string, GoalTask>();
  for (const task of tasks) {
    const first = byId.get(task.id);
    if (!first) byId.set(task.id, task);
    else report('duplicate-id', task, `task id "${task.id}" is already used by the task at line ${first.line}; ids must be unique`);
  }
  for (const task of tasks) {
    if (!SAYS_SOMETHING.test(task.title)) report('empty-prompt', task, emptyPromptMessage(task));
    for (const dependency of new Set(task.after)) {
      if (byId.has(dependency)) continue;
      report('unknown-dependency', task, `task "${task.id}" depends on "${dependency}", which is not a task in this goal${didYouMean(dependency, byId.keys())}`);
    }
  }
  const adjacency = new Map([...byId].map(([id, task]) => [id, task.after]));
  for (const cycle of findCycles([...byId.keys()], adjacency)) {
    const first = byId.get(cycle[0] ?? '');
    if (first) report('cycle', first, cycleMessage(cycle));
  }
  // Array.prototype.sort is stable, so errors on one line keep the order they were found in.
  return errors.sort((a, b) => a.line - b.line);
}

function emptyPromptMessage(task: GoalTask): string {
  return task.title.trim() === ''
    ? `task "${task.id}" has no title: write what it should do after "${task.id}:"`
    : `task "${task.id}" has a title with no words ("${task.title}"): say what it should do`;
}

function cycleMessage(cycle: readonly string[]): string {
  const chain = cycle.join(' → ');
  return cycle.length === 2
    ? `dependency cycle: ${chain} (task "${cycle[0] ?? ''}" waits for itself, so it can never start)`
    : `dependency cycle: ${chain} (each task waits for the next, so none of them can start)`;
}

/**
 * The ids in an order that runs every task after its dependencies; among tasks that are ready
 * together, the one earlier in the list comes first, so a list already in a valid order is kept.
 * The graph must be valid (validateGraph found nothing): anything else is a caller's bug and throws.
 */
export function topologicalOrder(tasks: readonly GoalTask[]): string[] {
  const position = new Map(tasks.map((task, index) => [task.id, index]));
  const invalid = (problem: string) => new Error(`topologicalOrder: ${problem}; run validateGraph first`);
  if (position.size !== tasks.length) throw invalid('task ids are not unique');
  const dependents: number[][] = tasks.map(() => []);
  const waitingFor = tasks.map((task, index) => {
    const dependencies = new Set(task.after);
    for (const dependency of dependencies) {
      const at = position.get(dependency);
      if (at === undefined) throw invalid(`unknown dependency "${dependency}"`);
      dependents[at]?.push(index);
    }
    return dependencies.size;
  });
  // Ready tasks by descending position, so the earliest is popped from the end.
  const ready = waitingFor.flatMap((count, index) => (count === 0 ? [index] : [])).reverse();
  const order: string[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(tasks[next]?.id ?? '');
    for (const dependent of dependents[next] ?? []) {
      const left = (waitingFor[dependent] ?? 0) - 1;
      waitingFor[dependent] = left;
      if (left === 0) insertDescending(ready, dependent);
    }
  }
  if (order.length !== tasks.length) throw invalid('the tasks have a dependency cycle');
  return order;
}

/** Inserts into an array sorted in descending order, keeping it sorted (binary search). */
function insertDescending(sorted: number[], value: number): void {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] ?? 0) > value) low = middle + 1;
    else high = middle;
  }
  sorted.splice(low, 0, value);
}
