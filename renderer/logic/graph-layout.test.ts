import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerOf, layoutGraph, orderLayers, NODE_WIDTH, LAYER_GAP, GRAPH_MARGIN } from './graph-layout.js';

test('a task sits one layer right of its deepest dependency', () => {
  // a → b → d, a → c, c → d: d waits for the longer chain.
  const tasks = [{ id: 'a' }, { id: 'b', after: ['a'] }, { id: 'c', after: ['a'] }, { id: 'd', after: ['b', 'c'] }, { id: 'e', after: ['d', 'a'] }];
  const layers = layerOf(tasks);
  assert.deepEqual(Object.fromEntries(layers), { a: 0, b: 1, c: 1, d: 2, e: 3 });
});

test('unknown dependencies are ignored and a cycle does not loop', () => {
  const layers = layerOf([{ id: 'a', after: ['ghost'] }, { id: 'b', after: ['c'] }, { id: 'c', after: ['b'] }]);
  assert.equal(layers.get('a'), 0);
  assert.equal(layers.size, 3);
  assert.ok([layers.get('b'), layers.get('c')].every((d) => d !== undefined && d >= 0));
});

test('every edge points to a later layer, and x grows with the layer', () => {
  const tasks = [{ id: 'x' }, { id: 'y', after: ['x'] }, { id: 'z', after: ['y', 'x'] }];
  const layout = layoutGraph(tasks);
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  assert.equal(layout.edges.length, 3);
  for (const e of layout.edges) assert.ok((at.get(e.from)?.layer ?? -1) < (at.get(e.to)?.layer ?? -1), `${e.from}→${e.to}`);
  assert.equal(at.get('z')?.x, GRAPH_MARGIN + 2 * (NODE_WIDTH + LAYER_GAP));
  assert.equal(layout.width, 2 * GRAPH_MARGIN + 3 * NODE_WIDTH + 2 * LAYER_GAP);
});

test('children are ordered next to their parents (fewer crossings)', () => {
  // Layer 0: p1, p2. Layer 1 in goal order: c2 (after p2), c1 (after p1).
  const tasks = [{ id: 'p1' }, { id: 'p2' }, { id: 'c2', after: ['p2'] }, { id: 'c1', after: ['p1'] }];
  assert.deepEqual(orderLayers(tasks, layerOf(tasks)), [['p1', 'p2'], ['c1', 'c2']]);
});

test('an empty graph has no size', () => {
  assert.deepEqual(layoutGraph([]), { nodes: [], edges: [], width: 0, height: 0 });
});
