import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topologicalOrder, validateGraph } from './graph.js';
import type { GoalTask } from './types.js';

/** Tasks as a planner might make them: `[id, after]`, one per line starting at line 1. */
const graph = (...specs: [string, string[]][]): GoalTask[] =>
  specs.map(([id, after], index) => ({ id, title: `Do ${id}`, body: '', after, line: index + 1 }));
const check = (tasks: GoalTask[]) => validateGraph('plan', tasks).map((e) => [e.code, e.line, e.message]);

test('a valid graph has no errors', () => {
  assert.deepEqual(check(graph(['a', []], ['b', ['a']], ['c', ['a', 'b']])), []);
});

test('a duplicate id is reported at its second occurrence, naming the first line', () => {
  assert.deepEqual(check(graph(['a', []], ['b', []], ['a', []])), [
    ['duplicate-id', 3, 'task id "a" is already used by the task at line 1; ids must be unique'],
  ]);
});

test('an unknown dependency names the task and the missing id', () => {
  assert.deepEqual(check(graph(['a', []], ['c', ['a', 'x']])), [
    ['unknown-dependency', 2, 'task "c" depends on "x", which is not a task in this goal'],
  ]);
});

test('an unknown dependency that is a typo of a task id suggests it', () => {
  assert.deepEqual(check(graph(['greet', []], ['farewell', []], ['cli', ['gret', 'Farewel']])), [
    ['unknown-dependency', 3, 'task "cli" depends on "gret", which is not a task in this goal; did you mean "greet"?'],
    ['unknown-dependency', 3, 'task "cli" depends on "Farewel", which is not a task in this goal; did you mean "farewell"?'],
  ]);
});

test('a self-dependency is a cycle of one', () => {
  assert.deepEqual(check(graph(['a', []], ['b', ['b']])), [
    ['cycle', 2, 'dependency cycle: b → b (task "b" waits for itself, so it can never start)'],
  ]);
});

test('a cycle is named in full once, at the line of its first task in the file', () => {
  // a waits for b, b for c, c for a; the search enters the cycle at c (through x), yet the report starts at a.
  assert.deepEqual(check(graph(['x', ['c']], ['a', ['b']], ['b', ['c']], ['c', ['a']])), [
    ['cycle', 2, 'dependency cycle: a → b → c → a (each task waits for the next, so none of them can start)'],
  ]);
});

test('separate cycles are each reported once', () => {
  const errors = check(graph(['a', ['b']], ['b', ['a']], ['c', ['d', 'a']], ['d', ['c']]));
  assert.deepEqual(errors.map(([, line, message]) => [line, String(message).split(' (')[0]]), [
    [1, 'dependency cycle: a → b → a'],
    [3, 'dependency cycle: c → d → c'],
  ]);
});

test('a dependency listed twice still gives each cycle once', () => {
  assert.deepEqual(check(graph(['a', ['b', 'b']], ['b', ['a']], ['c', ['c', 'c']])).map(([code, line]) => [code, line]), [
    ['cycle', 1], ['cycle', 3],
  ]);
});

test('two cycles through one task are both reported', () => {
  const errors = check(graph(['a', ['b', 'c']], ['b', ['a']], ['c', ['a']]));
  assert.deepEqual(errors.map(([, , message]) => String(message).split(' (')[0]), [
    'dependency cycle: a → b → a',
    'dependency cycle: a → c → a',
  ]);
});

test('a title with no letter or digit is an empty prompt; titles in any script are fine', () => {
  const tasks = graph(['a', []], ['b', []], ['c', []]);
  tasks[0] = { ...tasks[0] as GoalTask, title: '' };
  tasks[1] = { ...tasks[1] as GoalTask, title: '...' };
  tasks[2] = { ...tasks[2] as GoalTask, title: '日本語' };
  assert.deepEqual(check(tasks), [
    ['empty-prompt', 1, 'task "a" has no title: write what it should do after "a:"'],
    ['empty-prompt', 2, 'task "b" has a title with no words ("..."): say what it should do'],
  ]);
});

test('all errors are reported, sorted by line', () => {
  const errors = check(graph(['a', ['a']], ['b', ['nope']], ['a', []], ['c', ['d']], ['d', ['c']]));
  assert.deepEqual(errors.map(([code, line]) => [code, line]), [
    ['cycle', 1], ['unknown-dependency', 2], ['duplicate-id', 3], ['cycle', 4],
  ]);
});

test('a long dependency chain does not overflow the stack', () => {
  const size = 100_000;
  const tasks = graph(...Array.from({ length: size }, (_, i): [string, string[]] => [`t${i}`, i === 0 ? [`t${size - 1}`] : [`t${i - 1}`]]));
  const errors = validateGraph('plan', tasks);
  assert.deepEqual(errors.map((e) => [e.code, e.line]), [['cycle', 1]]);
});

test('topologicalOrder runs every task after its dependencies', () => {
  assert.deepEqual(topologicalOrder(graph(['c', ['b']], ['b', ['a']], ['a', []])), ['a', 'b', 'c']);
});

test('topologicalOrder is stable: ready tasks keep file order, and a valid file order is kept', () => {
  assert.deepEqual(topologicalOrder(graph(['a', []], ['b', ['a']], ['c', []], ['d', ['b']])), ['a', 'b', 'c', 'd']);
  assert.deepEqual(topologicalOrder(graph(['x', ['z']], ['y', []], ['z', []], ['w', []])), ['y', 'z', 'x', 'w']);
});

test('topologicalOrder counts a repeated dependency once', () => {
  assert.deepEqual(topologicalOrder(graph(['b', ['a', 'a']], ['a', []])), ['a', 'b']);
});

test('topologicalOrder throws on a graph validateGraph rejects', () => {
  assert.throws(() => topologicalOrder(graph(['a', ['b']], ['b', ['a']])), /dependency cycle/);
  assert.throws(() => topologicalOrder(graph(['a', ['x']])), /unknown dependency "x"/);
  assert.throws(() => topologicalOrder(graph(['a', []], ['a', []])), /not unique/);
});
