import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ID_PATTERN } from '../constants.js';
import { MAX_FOREACH_ITEMS, MAX_TASK_ID_LENGTH, slug } from './fanout.js';
import { parseGoal } from './parse.js';
import type { ParseOptions } from './parse.js';
import type { Goal, GoalResult } from './types.js';

const doc = (...lines: string[]) => lines.join('\n');
/** The driver matches globs; here, a table of the globs the tests use. */
const MATCHES: Readonly<Record<string, string[]>> = {
  'src/**/*.ts': ['src/a.ts', 'src/b.ts', 'src/util/c.ts'],
  'src/*.js': ['src/d.js'],
};
const matchFiles = (glob: string): string[] => MATCHES[glob] ?? [];
const OPTIONS: ParseOptions = { matchFiles, filesAt: 'main (0123456789ab)' };

function goalOf(result: GoalResult): Goal {
  if (!result.ok) assert.fail(`expected a goal, got errors: ${JSON.stringify(result.errors)}`);
  return result.goal;
}

function errors(text: string, options: ParseOptions = OPTIONS): Array<[string, number, string]> {
  const result = parseGoal('g.md', text, options);
  if (result.ok) assert.fail('expected errors, got a goal');
  return result.errors.map((e) => [e.code, e.line, e.message]);
}

test('a foreach over a literal list makes one task per item, {{item}} filled in, after and overrides kept', () => {
  const goal = goalOf(parseGoal('g.md', doc(
    '## Tasks',
    '- setup: Prepare',
    '- tr: Translate into {{item}}',
    '  foreach: [en, de, "pt BR"]',
    '  after: setup',
    '  priority: 2',
    '  model: haiku',
    '  Write docs/{{item}}.md; {{ item }} only.',
  ), OPTIONS));
  const expanded = (item: string, id: string) => ({
    id, title: `Translate into ${item}`, body: `Write docs/${item}.md; ${item} only.`, after: ['setup'], line: 3, priority: 2,
    session: { model: 'haiku' }, item,
  });
  assert.deepEqual(goal.tasks, [
    { id: 'setup', title: 'Prepare', body: '', after: [], line: 2 },
    expanded('en', 'tr-en'), expanded('de', 'tr-de'), expanded('pt BR', 'tr-pt-BR'),
  ]);
});

test('a foreach over a glob makes one task per matching file, in the matcher\'s order', () => {
  const goal = goalOf(parseGoal('g.md', doc('## Tasks', '- lint: Lint {{item}}', '  foreach: src/**/*.ts'), OPTIONS));
  assert.deepEqual(goal.tasks.map((t) => [t.id, t.title, t.item]), [
    ['lint-src-a-ts', 'Lint src/a.ts', 'src/a.ts'],
    ['lint-src-b-ts', 'Lint src/b.ts', 'src/b.ts'],
    ['lint-src-util-c-ts', 'Lint src/util/c.ts', 'src/util/c.ts'],
  ]);
  const quoted = goalOf(parseGoal('g.md', doc('## Tasks', '- lint: Lint {{item}}', '  foreach: "src/*.js"'), OPTIONS));
  assert.deepEqual(quoted.tasks.map((t) => t.item), ['src/d.js']);
});

test('then: the named task waits for every expansion, and so does any task after the foreach task', () => {
  const goal = goalOf(parseGoal('g.md', doc(
    '## Tasks',
    '- each: Do {{item}}',
    '  foreach: [x, y]',
    '  then: merge',
    '- merge: Merge them',
    '- report: Report',
    '  after: each, merge',
    '- more: More {{item}}',
    '  foreach: [1, 2]',
    '  after: each',
  ), OPTIONS));
  assert.deepEqual(goal.tasks.map((t) => [t.id, t.after]), [
    ['each-x', []], ['each-y', []],
    ['merge', ['each-x', 'each-y']],
    ['report', ['each-x', 'each-y', 'merge']],
    ['more-1', ['each-x', 'each-y']], ['more-2', ['each-x', 'each-y']],
  ]);
});

test('ids: other characters become "-", duplicates get -2, -3, and long ids are cut to fit', () => {
  assert.equal(slug('src/util/c.ts'), 'src-util-c-ts');
  assert.equal(slug('.github/x y.yml'), 'github-x-y-yml');
  assert.equal(slug('a/-b'), 'a-b');
  assert.equal(slug('日本'), '');
  const goal = goalOf(parseGoal('g.md', doc('## Tasks', '- t: T {{item}}', '  foreach: [a.b, a-b, a/b, 日本, 한국]'), OPTIONS));
  assert.deepEqual(goal.tasks.map((t) => t.id), ['t-a-b', 't-a-b-2', 't-a-b-3', 't-4', 't-5']);
  const longId = 'x'.repeat(60);
  const long = goalOf(parseGoal('g.md', doc('## Tasks', `- ${longId}: T {{item}}`, '  foreach: [abcdefgh, abcdefgh]'), OPTIONS));
  assert.deepEqual(long.tasks.map((t) => t.id), [`${longId}-abc`, `${longId}-a-2`]);
  for (const task of long.tasks) assert.ok(ID_PATTERN.test(task.id) && task.id.length <= MAX_TASK_ID_LENGTH, task.id);
});

test('MAX_TASK_ID_LENGTH is the longest id ID_PATTERN allows', () => {
  assert.ok(ID_PATTERN.test('a'.repeat(MAX_TASK_ID_LENGTH)));
  assert.ok(!ID_PATTERN.test('a'.repeat(MAX_TASK_ID_LENGTH + 1)));
});

test('a glob that matches no file is an error at the foreach line naming the glob and the base', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a: A {{item}}', '  Prompt.', '  foreach: src/**/*.rs')), [
    ['foreach', 4, 'foreach src/**/*.rs matched no file in the repository at main (0123456789ab)'],
  ]);
  assert.deepEqual(errors(doc('## Tasks', '- a: A {{item}}', '  foreach: src/*.rs'), { matchFiles: () => [] }), [
    ['foreach', 3, 'foreach src/*.rs matched no file in the repository'],
  ]);
});

test('a glob with no matcher given is an error, not a silent empty fan-out', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a: A {{item}}', '  foreach: src/*.ts'), {}), [
    ['foreach', 3, 'foreach src/*.ts cannot be matched: no repository files were given to match it against'],
  ]);
});

test('an empty literal list is an error at the foreach line', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a: A {{item}}', '  foreach: []')), [
    ['foreach', 3, '"foreach" of task "a" lists no items: give at least one, like [en, de]'],
  ]);
});

test('too many items is an error', () => {
  const many = Array.from({ length: MAX_FOREACH_ITEMS + 1 }, (_, i) => i).join(', ');
  assert.deepEqual(errors(doc('## Tasks', '- a: A {{item}}', `  foreach: [${many}]`)).map(([code, line]) => [code, line]), [['foreach', 3]]);
});

test('then naming an unknown task, or the task itself, is an error at the then line', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a: A {{item}}', '  foreach: [x]', '  then: nope', '- b: B {{item}}', '  foreach: [y]', '  then: b')), [
    ['unknown-dependency', 4, 'task "a" says then "nope", which is not a task in this goal'],
    ['task-option', 7, 'task "b" names itself in "then": name the task that should wait for all its items'],
  ]);
});

test('then naming a typo of a task suggests it', () => {
  assert.deepEqual(errors(doc('## Tasks', '- translate: T {{item}}', '  foreach: [x]', '  then: sumary', '- summary: S')), [
    ['unknown-dependency', 4, 'task "translate" says then "sumary", which is not a task in this goal; did you mean "summary"?'],
  ]);
});

test('an expanded id that another task already has is a duplicate-id error at the foreach line', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a-x: Written', '- a: A {{item}}', '  foreach: [x, y]', '- b: B {{item}}', '  foreach: [z]', '- b-z: Also written')), [
    ['duplicate-id', 4, '"foreach" of task "a" makes task "a-x", which is already the id of the task at line 2'],
    ['duplicate-id', 6, '"foreach" of task "b" makes task "b-z", which is already the id of the task at line 7'],
  ]);
  assert.deepEqual(errors(doc('## Tasks', '- a: A {{item}}', '  foreach: [b-c]', '- a-b: B {{item}}', '  foreach: [c]')), [
    ['duplicate-id', 5, '"foreach" of task "a-b" makes task "a-b-c", which is already the id of a task made by the "foreach" of task "a" at line 3'],
  ]);
});

test('a task id too long to fan out is an error', () => {
  const id = 'x'.repeat(MAX_TASK_ID_LENGTH - 1);
  assert.deepEqual(errors(doc('## Tasks', `- ${id}: A {{item}}`, '  foreach: [a]')).map(([code, line]) => [code, line]), [['foreach', 3]]);
});

test('cycles through then are found before fan-out and named as written', () => {
  assert.deepEqual(errors(doc('## Tasks', '- a: A {{item}}', '  foreach: [x, y]', '  after: b', '  then: b', '- b: B')), [
    ['cycle', 2, 'dependency cycle: a → b → a (each task waits for the next, so none of them can start)'],
  ]);
});
