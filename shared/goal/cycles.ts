/** Finding dependency cycles in a task graph. */

/** A node's dependencies, in the order they were written. */
export type Adjacency = ReadonlyMap<string, readonly string[]>;

const UNVISITED = 0;
const ON_PATH = 1;
const DONE = 2;

interface Frame {
  id: string;
  next: number;
}

/**
 * Every cycle closed by a back edge of a depth-first search, visiting nodes and their
 * dependencies in the order given. Each cycle is listed once, rotated to start at its
 * earliest node in `order`, and closed: `[a, b, c, a]` means a depends on b, b on c, c on a.
 * Iterative, so a long dependency chain cannot overflow the call stack.
 */
export function findCycles(order: readonly string[], adjacency: Adjacency): string[][] {
  const rank = new Map(order.map((id, index) => [id, index]));
  const state = new Map<string, number>();
  const cycles = new Map<string, string[]>();
  for (const root of order) {
    if ((state.get(root) ?? UNVISITED) !== UNVISITED) continue;
    const path: string[] = [root];
    const frames: Frame[] = [{ id: root, next: 0 }];
    state.set(root, ON_PATH);
    for (let frame = frames.at(-1); frame; frame = frames.at(-1)) {
      const dependency = adjacency.get(frame.id)?.[frame.next];
      frame.next += 1;
      if (dependency === undefined) {
        frames.pop();
        path.pop();
        state.set(frame.id, DONE);
      } else if (state.get(dependency) === ON_PATH) {
        const cycle = rotate(path.slice(path.lastIndexOf(dependency)), rank);
        cycles.set(cycle.join('\n'), [...cycle, cycle[0] ?? dependency]);
      } else if ((state.get(dependency) ?? UNVISITED) === UNVISITED && rank.has(dependency)) {
        frames.push({ id: dependency, next: 0 });
        path.push(dependency);
        state.set(dependency, ON_PATH);
      }
    }
  }
  return [...cycles.values()];
}

/** Rotates a cycle so that it starts at the node that comes first in the file. */
function rotate(cycle: readonly string[], rank: ReadonlyMap<string, number>): string[] {
  let first = 0;
  cycle.forEach((id, index) => {
    if ((rank.get(id) ?? Infinity) < (rank.get(cycle[first] ?? '') ?? Infinity)) first = index;
  });
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}
