import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoal } from './parse.js';
import type { Goal, GoalResult } from './types.js';

const doc = (...lines: string[]) => lines.join('\n');

function goalOf(result: GoalResult): Goal {
  if (!result.ok) assert.fail(`expected a goal, got errors: ${JSON.stringify(result.errors)}`);
  return result.goal;
}

/** `[code, line, message]` of every error. */
function errors(text: string): Array<[string, number, string]> {
  const result = parseGoal('g.md', text);
  if (result.ok) assert.fail('expected errors, got a goal');
  return result.errors.map((e) => [e.code, e.line, e.message]);
}

test('a task\'s own priority, timeout, estimate and session options are read from its indented lines', () => {
  const goal = goalOf(parseGoal('g.md', doc(
    '## Tasks',
    '- a: Big refactor',
    '  priority: 5',
    '  Do the refactor.',
    '  timeout: 1h',
    '  estimate: 20m',
    '  model: opus',
    '  mode: headless',
    '  permission_mode: acceptEdits',
    '  max_turns: 40',
    '  max_budget_usd: 2.5',
    '- b: Small fix',
    '  priority: -1  # last',
    '  timeout: 90',
  )));
  assert.deepEqual(goal.tasks, [
    {
      id: 'a', title: 'Big refactor', body: 'Do the refactor.', after: [], line: 2, priority: 5, timeoutMs: 3_600_000, estimateMs: 1_200_000,
      session: { model: 'opus', mode: 'headless', permissionMode: 'acceptEdits', maxTurns: 40, maxBudgetUsd: 2.5 },
    },
    { id: 'b', title: 'Small fix', body: '', after: [], line: 12, priority: -1, timeoutMs: 90_000 },
  ]);
  assert.deepEqual(goal.session, {}, 'task options do not change the goal\'s');
});

test('a bad per-task value is a task-option error at its line, saying what is expected', () => {
  assert.deepEqual(errors(doc(
    '## Tasks', '- a: A', '  priority: high', '  timeout: soon', '  model:', '  mode: gui', '  permission_mode: yolo', '  max_turns: 0', '  max_budget_usd: free', '  estimate: 0',
  )), [
    ['task-option', 3, '"priority" of task "a" must be a whole number (higher runs first; the default is 0)'],
    ['task-option', 4, '"timeout" of task "a" must be a time limit above 0 and at most a week: a number of seconds, or text like "90s", "10m" or "1h"'],
    ['task-option', 5, '"model" of task "a" must be a model name, as text'],
    ['task-option', 6, '"mode" of task "a" must be one of tui, headless'],
    ['task-option', 7, '"permission_mode" of task "a" must be one of acceptEdits, auto, bypassPermissions, default, dontAsk, plan'],
    ['task-option', 8, '"max_turns" of task "a" must be a whole number above 0'],
    ['task-option', 9, '"max_budget_usd" of task "a" must be a number of US dollars above 0'],
    ['task-option', 10, '"estimate" of task "a" must be how long the task should take, above 0 and at most a week: a number of seconds, or text like "90s", "10m" or "1h"'],
  ]);
});

test('a setting given twice is an error at the second line; after and then may repeat', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a: A', '  model: opus', '  priority: 1', '  model: sonnet')), [
    ['task-option', 5, 'task "a" sets "model" twice (first at line 3): keep one'],
  ]);
  const goal = goalOf(parseGoal('g.md', doc('## Tasks', '- a: A', '- b: B', '- c: C', '  after: a', '  after: b')));
  assert.deepEqual(goal.tasks[2]?.after, ['a', 'b']);
});

test('setting lines inside code are prompt text', () => {
  const goal = goalOf(parseGoal('g.md', doc('## Tasks', '- a: A', '  ```yaml', '  priority: high', '  model: x', '  ```')));
  assert.deepEqual(goal.tasks[0], { id: 'a', title: 'A', body: '```yaml\npriority: high\nmodel: x\n```', after: [], line: 2 });
});

test('a setting line with its colon escaped is prompt text, with one backslash less', () => {
  const goal = goalOf(parseGoal('g.md', doc('## Tasks', '- a: A', '  model\\: the data model has users', '  after \\\\: two backslashes', '  Model: capitalised is text')));
  assert.equal(goal.tasks[0]?.body, 'model: the data model has users\nafter \\: two backslashes\nModel: capitalised is text');
  assert.equal(goal.tasks[0]?.session, undefined);
});

test('a setting line that is not indented is an error saying to indent it', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a: A', 'priority: 3')), [
    ['task-syntax', 3, '"priority:" belongs to a task: indent it under the task it is for'],
  ]);
});

test('"then" without "foreach" is an error at the then line', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a: A', '  then: b', '- b: B')), [
    ['task-option', 3, '"then" belongs with "foreach": task "a" has no "foreach" line'],
  ]);
});

test('a foreach value that is neither a glob nor a list of plain values is an error', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a: A {{item}}', '  foreach:', '- b: B {{item}}', '  foreach: [x, [y]]', '- c: C {{item}}', '  foreach: [x, {y: 1}]')), [
    ['task-option', 3, '"foreach" of task "a" must be a glob over the repository\'s files (e.g. src/**/*.ts) or a list like [en, de, fr]'],
    ['task-option', 5, '"foreach" of task "b" lists plain values only, like [en, de, fr]: quote an item that holds "," "[" or ":"'],
    ['task-option', 7, '"foreach" of task "c" lists plain values only, like [en, de, fr]: quote an item that holds "," "[" or ":"'],
  ]);
});
