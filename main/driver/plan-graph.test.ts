import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoal } from '../../shared/goal/index.js';
import { ID_PATTERN } from '../../shared/constants.js';
import { MAX_PLANNED_TASKS, goalFromPlan, planSchema } from './plan-graph.js';

const SOURCE = '---\nsession:\n  mode: headless\n---\n# Greeting\n\nAdd a greeting to the app.\n';
const parsed = parseGoal('goal.md', SOURCE);
assert.ok(parsed.ok && !parsed.goal.hasTaskList);
const GOAL = parsed.goal;
const task = (id: string, after: string[] = [], prompt = `Do ${id}.`) => ({ id, title: `Task ${id}`, prompt, after });

function error(output: unknown): string {
  const r = goalFromPlan(GOAL, output);
  assert.equal(r.ok, false);
  return r.ok ? '' : r.error;
}

test('a valid plan becomes the goal file with a Tasks section, parsed like a hand-written one', () => {
  const r = goalFromPlan(GOAL, { tasks: [task('a'), task('b', [], 'Line one.\n\n  indented\nLine three.'), task('c', ['a', 'b'])] });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.ok(r.text.startsWith(SOURCE.trimEnd()), r.text);
  const again = parseGoal('goal.md', r.text);
  assert.ok(again.ok);
  assert.deepEqual(again.goal, r.goal);
  assert.equal(r.goal.hasTaskList, true);
  assert.equal(r.goal.session.mode, 'headless');
  assert.equal(r.goal.context, 'Add a greeting to the app.');
  assert.deepEqual(r.goal.tasks.map((t) => [t.id, t.title, t.after, t.body]), [
    ['a', 'Task a', [], 'Do a.'],
    ['b', 'Task b', [], 'Line one.\n\n  indented\nLine three.'],
    ['c', 'Task c', ['a', 'b'], 'Do c.'],
  ]);
});

test('prompt lines that read like settings, or like mistyped ones, stay prompt text', () => {
  const prompt = 'after: the first step\nRequires: a\nmodel: users have posts';
  const r = goalFromPlan(GOAL, { tasks: [task('a'), task('b', [], prompt)] });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual([r.goal.tasks[1]?.body, r.goal.tasks[1]?.after], [prompt, []]);
});

test('titles become one line; prompts lose carriage returns and trailing blanks', () => {
  const r = goalFromPlan(GOAL, { tasks: [{ id: 'a', title: ' Two\nlines ', prompt: 'Do it.\r\nNow.  \n\n', after: [] }] });
  assert.ok(r.ok);
  assert.deepEqual([r.goal.tasks[0]?.title, r.goal.tasks[0]?.body], ['Two lines', 'Do it.\nNow.']);
});

test('invalid plans are refused with what is wrong', () => {
  assert.match(error(undefined), /no structured output/);
  assert.match(error({ steps: [] }), /does not have the shape .*tasks/);
  assert.match(error({ tasks: [{ id: 'a', title: 'A' }] }), /tasks\.0\.prompt/);
  assert.match(error({ tasks: [] }), /lists no tasks/);
  assert.match(error({ tasks: Array.from({ length: MAX_PLANNED_TASKS + 1 }, (_, i) => task(`t${i}`)) }), /at most 50/);
  assert.match(error({ tasks: [task('has space')] }), /"has space" is not a valid task id/);
  assert.match(error({ tasks: [task('a', [], '  \n ')] }), /task "a" has an empty prompt/);
  assert.match(error({ tasks: [task('a', ['zz'])] }), /task "a" depends on "zz", which is not a task in this goal/);
  assert.match(error({ tasks: [task('a', ['b']), task('b', ['a'])] }), /dependency cycle: a → b → a/);
  assert.match(error({ tasks: [task('a'), task('a')] }), /task id "a" is already used/);
  assert.match(error({ tasks: [{ ...task('a'), title: '…' }] }), /has a title with no words/);
});

test('a planned task\'s minutes become its estimate, written in the goal file and read back', () => {
  const r = goalFromPlan(GOAL, { tasks: [{ ...task('a'), minutes: 12 }, { ...task('b', ['a']), minutes: 0.75 }, task('c')] });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual(r.goal.tasks.map((t) => t.estimateMs), [720_000, 45_000, undefined]);
  assert.match(r.text, /^ {2}estimate: 12m$/m);
  assert.match(error({ tasks: [{ ...task('a'), minutes: 0 }] }), /tasks\.0\.minutes/);
  assert.match(error({ tasks: [{ ...task('a'), minutes: 'soon' }] }), /tasks\.0\.minutes/);
});

test('the schema asks for ids by the goal format\'s own rule', () => {
  const schema = JSON.stringify(planSchema());
  assert.ok(schema.includes(JSON.stringify(ID_PATTERN.source)));
  assert.deepEqual(JSON.parse(schema).properties.tasks.items.required, ['id', 'title', 'prompt', 'after']);
});

test('prompt lines that read as task settings are escaped, and read back as prompt text', () => {
  const prompt = 'First this.\nafter: a is done, do that.\npriority: high, please.';
  const r = goalFromPlan(GOAL, { tasks: [task('a'), task('b', [], prompt)] });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual([r.goal.tasks[1]?.after, r.goal.tasks[1]?.body], [[], prompt]);
});

test('common indentation of a prompt is dropped, as a goal file reads it', () => {
  const r = goalFromPlan(GOAL, { tasks: [task('a', [], '    one\n      two')] });
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.goal.tasks[0]?.body, 'one\n  two');
});
