import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_GOAL_BYTES, parseGoal } from './parse.js';
import type { Goal, GoalError, GoalResult } from './types.js';

function goalOf(result: GoalResult): Goal {
  if (!result.ok) assert.fail(`expected a goal, got errors: ${JSON.stringify(result.errors)}`);
  return result.goal;
}

function errorsOf(result: GoalResult): GoalError[] {
  if (result.ok) assert.fail('expected errors, got a goal');
  return result.errors;
}

/** `[code, line]` of every error: what most tests assert on. */
const where = (text: string) => errorsOf(parseGoal('g.md', text)).map((e) => [e.code, e.line]);
const doc = (...lines: string[]) => lines.join('\n');

const EXAMPLE = doc(
  '---',
  'base: main            # optional: branch or commit to start from',
  'verify: npm test      # optional: shell command',
  'session:              # optional',
  '  model: sonnet',
  '  permission_mode: acceptEdits',
  '  max_turns: 30',
  '---',
  '# Add a greeting module',
  '',
  'Free text: context for every task.',
  '',
  '## Tasks',
  '- a: Add greet() to src/greet.js',
  '  Indented lines under the item are the task\'s prompt body.',
  '  They may span several lines and paragraphs.',
  '',
  '  A second paragraph.',
  '* b: Write the README section',
  '- c: Use greet in the CLI',
  '  after: a, b',
  '  More prompt text.',
  '',
);

test('the example goal parses into front matter, title, context and tasks', () => {
  assert.deepEqual(goalOf(parseGoal('goals/greet.md', EXAMPLE)), {
    file: 'goals/greet.md',
    title: 'Add a greeting module',
    context: 'Free text: context for every task.',
    base: 'main',
    verify: 'npm test',
    session: { model: 'sonnet', permissionMode: 'acceptEdits', maxTurns: 30 },
    hasTaskList: true,
    tasks: [
      {
        id: 'a', title: 'Add greet() to src/greet.js', after: [], line: 14,
        body: 'Indented lines under the item are the task\'s prompt body.\nThey may span several lines and paragraphs.\n\nA second paragraph.',
      },
      { id: 'b', title: 'Write the README section', body: '', after: [], line: 19 },
      { id: 'c', title: 'Use greet in the CLI', body: 'More prompt text.', after: ['a', 'b'], line: 20 },
    ],
  });
});

test('without a Tasks section the goal is one task made of the context', () => {
  const goal = goalOf(parseGoal('fix.md', doc('# Fix the flaky test', '', 'It fails on CI.', '', 'Make it pass.', '')));
  assert.equal(goal.hasTaskList, false);
  assert.equal(goal.context, 'It fails on CI.\n\nMake it pass.');
  assert.deepEqual(goal.tasks, [{ id: 'goal', title: 'Fix the flaky test', body: 'It fails on CI.\n\nMake it pass.', after: [], line: 3 }]);
});

test('without a heading the title is the file name without extension', () => {
  const goal = goalOf(parseGoal('goals/add-greeting.goal.md', 'Add a greeting.'));
  assert.equal(goal.title, 'add-greeting.goal');
  assert.equal(goal.tasks[0]?.line, 1);
});

test('the title is the first level-1 heading with text, wherever it is, and it is not part of the context', () => {
  const goal = goalOf(parseGoal('g.md', doc('Intro.', '## Sub', '# Real title', 'More.', '# Second', 'End.')));
  assert.equal(goal.title, 'Real title');
  assert.equal(goal.context, 'Intro.\n## Sub\nMore.\n# Second\nEnd.');
});

test('context keeps the text before and after the Tasks section', () => {
  const goal = goalOf(parseGoal('g.md', doc('# T', 'Before.', '## Tasks', '- a: Do it', '## Notes', 'After.', '# Appendix', 'Tail.')));
  assert.equal(goal.context, 'Before.\n## Notes\nAfter.\n# Appendix\nTail.');
  assert.deepEqual(goal.tasks.map((t) => t.id), ['a']);
});

test('the Tasks heading is matched case-insensitively, and only at level 2', () => {
  assert.equal(goalOf(parseGoal('g.md', doc('# T', '## TASKS', '- a: Do it'))).hasTaskList, true);
  const deeper = goalOf(parseGoal('g.md', doc('# T', '### Tasks', '- a: Do it')));
  assert.equal(deeper.hasTaskList, false);
  assert.equal(deeper.context, '### Tasks\n- a: Do it');
});

test('a level-3 heading inside a task body does not end the section when indented, and is an error when not', () => {
  const goal = goalOf(parseGoal('g.md', doc('## Tasks', '- a: Do it', '  ### Details', '  text')));
  assert.equal(goal.tasks[0]?.body, '### Details\ntext');
  assert.deepEqual(where(doc('## Tasks', '- a: Do it', '### Details', '- b: More')), [['task-syntax', 3]]);
});

test('after accepts brackets and spaces, any position in the body, and several lines', () => {
  const goal = goalOf(parseGoal('g.md', doc(
    '## Tasks', '- a: A', '- b: B', '- c: C', '- d: D',
    '  First line.', '  after: [a, b]', '  Last line.', '  after: c a',
  )));
  assert.deepEqual(goal.tasks[3], { id: 'd', title: 'D', body: 'First line.\nLast line.', after: ['a', 'b', 'c'], line: 5 });
});

test('a "## Tasks" inside a code fence in the context is not the Tasks section', () => {
  const goal = goalOf(parseGoal('g.md', doc('# Document the format', '', '```markdown', '## Tasks', '- a: Example', '```', '', '~~~', '# Not the title', '~~~')));
  assert.equal(goal.hasTaskList, false);
  assert.equal(goal.title, 'Document the format');
  assert.equal(goal.tasks[0]?.body, '```markdown\n## Tasks\n- a: Example\n```\n\n~~~\n# Not the title\n~~~');
});

test('fenced code in a task body keeps its lines, including ones that look like items, headings or after', () => {
  const goal = goalOf(parseGoal('g.md', doc(
    '## Tasks', '- a: Write docs', '  ```md', '  - b: not an item', '  ## not a heading', '  after: nothing', '  ```', '  after: b', '- b: Real',
  )));
  assert.deepEqual(goal.tasks.map((t) => [t.id, t.after]), [['a', ['b']], ['b', []]]);
  assert.equal(goal.tasks[0]?.body, '```md\n- b: not an item\n## not a heading\nafter: nothing\n```');
});

test('an unclosed fence in a task body ends with the task', () => {
  const goal = goalOf(parseGoal('g.md', doc('## Tasks', '- a: A', '  ```', '  code', '- b: B', '  after: a')));
  assert.deepEqual(goal.tasks.map((t) => [t.id, t.body, t.after]), [['a', '```\ncode', []], ['b', '', ['a']]]);
});

test('CRLF line endings give the same goal as LF', () => {
  const crlf = goalOf(parseGoal('goals/greet.md', EXAMPLE.replaceAll('\n', '\r\n')));
  assert.deepEqual(crlf, goalOf(parseGoal('goals/greet.md', EXAMPLE)));
  assert.equal(crlf.tasks[0]?.body.includes('\r'), false);
});

test('CRLF line endings keep error line numbers', () => {
  assert.deepEqual(where(doc('# T', '## Tasks', '- a: A', 'oops').replaceAll('\n', '\r\n')), [['task-syntax', 4]]);
});

test('task bodies may be indented with tabs or spaces, and are dedented by columns', () => {
  const goal = goalOf(parseGoal('g.md', doc('## Tasks', '- a: Tabs', '\tone', '\t\tnested', '- b: Mixed', '    four spaces', '\ttab', '\tafter: a')));
  assert.deepEqual(goal.tasks.map((t) => [t.body, t.after]), [['one\n\tnested', []], ['four spaces\ntab', ['a']]]);
});

test('blank lines inside a body are kept while the next non-blank line is indented', () => {
  const goal = goalOf(parseGoal('g.md', doc('# T', '## Tasks', '- a: A', '  one', '', '', '  two', '', '', '- b: B', '')));
  assert.equal(goal.tasks[0]?.body, 'one\n\n\ntwo');
});

test('front matter errors carry file line numbers', () => {
  const errors = errorsOf(parseGoal('g.md', doc('---', 'base: main', 'bass: dev', '---', '# T', 'Do it.')));
  assert.deepEqual(errors, [
    { code: 'front-matter', file: 'g.md', line: 3, message: 'unknown front matter key "bass": did you mean "base"? The keys are base, verify, setup, priority, timeout, retries, verify_retries, budget_usd and session' },
  ]);
});

test('a YAML syntax error gives its file line', () => {
  assert.deepEqual(where(doc('---', 'base: main', 'verify: "npm test', '---', 'Do it.')).map(([, line]) => line).slice(0, 1), [3]);
});

test('unclosed front matter is the only error', () => {
  assert.deepEqual(where(doc('---', 'base: main', '## Tasks', '- a: b', '- a: dup')), [['front-matter', 1]]);
});

test('a top-level line that is not a task is an error saying what form is expected', () => {
  const errors = errorsOf(parseGoal('g.md', doc('# T', '## Tasks', 'Do these in order:', '- a: A')));
  assert.deepEqual(errors, [{
    code: 'task-syntax', file: 'g.md', line: 3,
    message: 'only tasks may start a line in the Tasks section: write each as "- <id>: <title>" and indent its details',
  }]);
});

test('an item without an id, or with an invalid id, is a task-syntax error at its line', () => {
  assert.deepEqual(errorsOf(parseGoal('g.md', doc('## Tasks', '- a: A', '- Write the README', '- : B', '- my task: C', '  its body is skipped'))), [
    { code: 'task-syntax', file: 'g.md', line: 3, message: 'this task has no id: write it as "- <id>: <title>"' },
    { code: 'task-syntax', file: 'g.md', line: 4, message: 'this task has no id before ":": write it as "- <id>: <title>"' },
    {
      code: 'task-syntax', file: 'g.md', line: 5,
      message: '"my task" is not a valid task id: use letters, digits, "-" and "_", start with a letter or digit, at most 64 characters',
    },
  ]);
});

test('an "after:" line that is not indented is an error saying to indent it', () => {
  assert.deepEqual(errorsOf(parseGoal('g.md', doc('## Tasks', '- a: A', '- b: B', 'after: a'))), [
    { code: 'task-syntax', file: 'g.md', line: 4, message: '"after:" belongs to a task: indent it under the task it is for' },
  ]);
});

test('an item with no space after the marker, or another marker, is not a task', () => {
  assert.deepEqual(where(doc('## Tasks', '-a: A', '+ b: B', '1. c: C')), [['task-syntax', 2], ['task-syntax', 3], ['task-syntax', 4]]);
});

test('indented text before the first task is one error at its first line', () => {
  assert.deepEqual(where(doc('## Tasks', '  stray', '  text', '- a: A')), [['task-syntax', 2]]);
});

test('a code block standing alone in the Tasks section is one error at its opening line', () => {
  assert.deepEqual(where(doc('## Tasks', '- a: A', '```', '- b: inside', '```', '- c: C', '  after: a')), [['task-syntax', 3]]);
});

test('a Tasks section without tasks is an error at its heading', () => {
  const errors = errorsOf(parseGoal('g.md', doc('# T', 'Context.', '', '## Tasks', '', '## Notes', 'x')));
  assert.deepEqual(errors, [
    { code: 'task-syntax', file: 'g.md', line: 4, message: 'the Tasks section lists no tasks: write one per line as "- <id>: <title>"' },
  ]);
});

test('a second Tasks section is an error pointing at the first', () => {
  const errors = errorsOf(parseGoal('g.md', doc('## Tasks', '- a: A', '## Tasks', '- b: B')));
  assert.deepEqual(errors, [
    { code: 'task-syntax', file: 'g.md', line: 3, message: 'a goal file has one Tasks section, and it starts at line 1: move these tasks there' },
  ]);
});

test('graph errors in a goal file carry the lines of the tasks', () => {
  assert.deepEqual(where(doc('# T', '## Tasks', '- a: A', '- b: B', '  after: x', '- a: Again')), [['unknown-dependency', 4], ['duplicate-id', 6]]);
  assert.deepEqual(errorsOf(parseGoal('g.md', doc('## Tasks', '- a: A', '  after: c', '- b: B', '  after: a', '- c: C', '  after: b'))), [
    { code: 'cycle', file: 'g.md', line: 2, message: 'dependency cycle: a → c → b → a (each task waits for the next, so none of them can start)' },
  ]);
  assert.deepEqual(where(doc('## Tasks', '- a: A', '  after: a')), [['cycle', 2]]);
});

test('a task whose title says nothing is an empty prompt, even with an empty title', () => {
  assert.deepEqual(errorsOf(parseGoal('g.md', doc('## Tasks', '- a:', '- b: ---', '- c: C', '  after: a'))).map((e) => [e.code, e.line, e.message]), [
    ['empty-prompt', 2, 'task "a" has no title: write what it should do after "a:"'],
    ['empty-prompt', 3, 'task "b" has a title with no words ("---"): say what it should do'],
  ]);
});

test('a goal with nothing to do is an empty-goal error for the whole file', () => {
  const expected = [{
    code: 'empty-goal', file: 'g.md', line: 0,
    message: 'the goal file says nothing to do: write the goal below its title, or list tasks under "## Tasks"',
  }];
  assert.deepEqual(errorsOf(parseGoal('g.md', '')), expected);
  assert.deepEqual(errorsOf(parseGoal('g.md', doc('---', 'base: main', '---', '', '# Only a title', '  '))), expected);
});

test('all errors are reported at once, sorted by line', () => {
  const text = doc(
    '---', 'sesion: {}', '---', '# T', '## Tasks', 'intro', '- a: A', '  after: b, ghost', '- b: B', '  after: a', '- a: dup', '- bad id: x', '- e: ?',
  );
  assert.deepEqual(where(text), [
    ['front-matter', 2], ['task-syntax', 6], ['unknown-dependency', 7], ['cycle', 7], ['duplicate-id', 11], ['task-syntax', 12], ['empty-prompt', 13],
  ]);
});

test('a text over MAX_GOAL_BYTES is one too-large error and nothing is parsed', () => {
  const big = `## Tasks\n- a: A\n- a: dup\n${'x'.repeat(MAX_GOAL_BYTES)}`;
  assert.deepEqual(errorsOf(parseGoal('g.md', big)), [
    { code: 'too-large', file: 'g.md', line: 0, message: 'the goal file is 1.0 MiB; a goal file may be at most 1 MiB' },
  ]);
});

test('the size limit counts UTF-8 bytes, not characters', () => {
  const arrows = '→'.repeat(Math.ceil(MAX_GOAL_BYTES / 3) + 1);
  assert.deepEqual(where(arrows), [['too-large', 0]]);
  assert.equal(goalOf(parseGoal('g.md', 'x'.repeat(MAX_GOAL_BYTES))).tasks.length, 1);
});
