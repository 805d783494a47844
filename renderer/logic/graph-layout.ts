/**
 * Lays a run's task graph out in layers, left to right: a task's layer is its dependency depth
 * (no dependencies → 0, else one more than its deepest dependency), so every edge points right.
 */

/** What the layout needs of a task. */
export interface GraphTask {
  id: string;
  after?: readonly string[] | undefined;
}

/** Node box size and the gaps between boxes, in SVG user units. */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 48;
export const LAYER_GAP = 64;
export const ROW_GAP = 16;
/** Room around the drawing so strokes at the edges are not clipped. */
export const GRAPH_MARGIN = 8;
/** Ordering passes that pull each node toward the middle of its dependencies (fewer crossings). */
const ORDER_PASSES = 2;

export interface LaidOutNode {
  id: string;
  layer: number;
  /** Position within its layer, from the top. */
  row: number;
  x: number;
  y: number;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  /** SVG path data: a curve from the right side of `from` to the left side of `to`. */
  path: string;
}

export interface GraphLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

/** Dependency depth of every task. Unknown dependencies are ignored; a cycle (which validation
 * refuses before a run starts) is cut where it closes instead of looping. */
export function layerOf(tasks: readonly GraphTask[]): Map<string, number> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return -1;
    visiting.add(id);
    let d = 0;
    for (const dep of byId.get(id)?.after ?? []) {
      if (byId.has(dep)) d = Math.max(d, visit(dep) + 1);
    }
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const t of tasks) visit(t.id);
  return depth;
}

/** Groups task ids by layer, in goal order, then reorders each layer by the mean row of its
 * dependencies (a barycentre pass), which keeps chains straight and fans tidy. */
export function orderLayers(tasks: readonly GraphTask[], layers: Map<string, number>): string[][] {
  const columns: string[][] = [];
  for (const t of tasks) {
    const layer = layers.get(t.id) ?? 0;
    (columns[layer] ??= []).push(t.id);
  }
  const filled = Array.from(columns, (c) => c ?? []);
  const deps = new Map(tasks.map((t) => [t.id, t.after ?? []]));
  for (let pass = 0; pass < ORDER_PASSES; pass++) {
    const rowOf = new Map<string, number>();
    filled.forEach((col) => col.forEach((id, row) => rowOf.set(id, row)));
    for (let layer = 1; layer < filled.length; layer++) {
      const col = filled[layer] ?? [];
      const weight = new Map(col.map((id, row) => [id, barycentre(deps.get(id) ?? [], rowOf) ?? row]));
      col.sort((a, b) => (weight.get(a) ?? 0) - (weight.get(b) ?? 0));
      col.forEach((id, row) => rowOf.set(id, row));
    }
  }
  return filled;
}

function barycentre(deps: readonly string[], rowOf: Map<string, number>): number | undefined {
  const rows = deps.map((d) => rowOf.get(d)).filter((r): r is number => r !== undefined);
  if (rows.length === 0) return undefined;
  return rows.reduce((a, b) => a + b, 0) / rows.length;
}

export function layoutGraph(tasks: readonly GraphTask[]): GraphLayout {
  const columns = orderLayers(tasks, layerOf(tasks));
  const nodes: LaidOutNode[] = [];
  const at = new Map<string, LaidOutNode>();
  columns.forEach((col, layer) => {
    col.forEach((id, row) => {
      const node = {
        id,
        layer,
        row,
        x: GRAPH_MARGIN + layer * (NODE_WIDTH + LAYER_GAP),
        y: GRAPH_MARGIN + row * (NODE_HEIGHT + ROW_GAP),
      };
      nodes.push(node);
      at.set(id, node);
    });
  });
  const edges: LaidOutEdge[] = [];
  for (const t of tasks) {
    const to = at.get(t.id);
    for (const dep of t.after ?? []) {
      const from = at.get(dep);
      if (from && to && from.layer < to.layer) edges.push({ from: dep, to: t.id, path: edgePath(from, to) });
    }
  }
  const tallest = Math.max(0, ...columns.map((c) => c.length));
  return {
    nodes,
    edges,
    width: columns.length === 0 ? 0 : 2 * GRAPH_MARGIN + columns.length * NODE_WIDTH + (columns.length - 1) * LAYER_GAP,
    height: tallest === 0 ? 0 : 2 * GRAPH_MARGIN + tallest * NODE_HEIGHT + (tallest - 1) * ROW_GAP,
  };
}

function edgePath(from: LaidOutNode, to: LaidOutNode): string {
  const x1 = from.x + NODE_WIDTH;
  const y1 = from.y + NODE_HEIGHT / 2;
  const x2 = to.x;
  const y2 = to.y + NODE_HEIGHT / 2;
  const bend = (x2 - x1) / 2;
  return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}
