import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoal } from './format.js';
import { parseGoal } from './parse.js';
import type { Goal, GoalResult, GoalTask } from './types.js';

const doc = (...lines: string[]) => lines.join('\n');

function goalOf(result: GoalResult): Goal {
  if (!result.ok) assert.fail(`expected a goal, got errors: ${JSON.stringify(result.errors)}`);
  return result.goal;
}

/** What a round trip keeps of a task: everything but where it came from. */
const kept = (tasks: readonly GoalTask[]) => tasks.map(({ line: _line, item: _item, ...rest }) => rest);

/** Parses `text`, formats it, parses that: the tasks and settings must come back the same. */
function roundTrip(text: string): { first: Goal; second: Goal; formatted: string } {
  const first = goalOf(parseGoal('g.md', text, { matchFiles: () => ['src/a.ts', 'src/b.ts'] }));
  const formatted = formatGoal(first);
  const second = goalOf(parseGoal('g.md', formatted));
  assert.deepEqual(kept(second.tasks), kept(first.tasks), formatted);
  const { tasks: _a, ...firstRest } = first;
  const { tasks: _b, ...secondRest } = second;
  assert.deepEqual(secondRest, firstRest, formatted);
  return { first, second, formatted };
}

test('a goal is written with its front matter, title, context and tasks', () => {
  const goal: Goal = {
    file: 'plan.md', title: 'Add greeting', context: 'Context for all.', base: 'main', verify: 'npm test', setup: 'npm ci',
    priority: 1, timeoutMs: 600_000, retries: 2, verifyRetries: 1, budgetUsd: 5,
    session: { mode: 'headless', model: 'sonnet', allowedTools: ['Read', 'Bash(npm test)'] },
    hasTaskList: true,
    tasks: [
      { id: 'a', title: 'Add greet()', body: 'In src/greet.js.\n\nExport it.', after: [], line: 1 },
      { id: 'b', title: 'Use it', body: '', after: ['a'], line: 2, priority: 3, timeoutMs: 1_500, estimateMs: 300_000, session: { model: 'opus', maxTurns: 4 } },
    ],
  };
  assert.equal(formatGoal(goal), doc(
    '---',
    'base: main',
    'verify: npm test',
    'setup: npm ci',
    'priority: 1',
    'timeout: 10m',
    'retries: 2',
    'verify_retries: 1',
    'budget_usd: 5',
    'session:',
    '  mode: headless',
    '  model: sonnet',
    '  allowed_tools:',
    '    - Read',
    '    - Bash(npm test)',
    '---',
    '# Add greeting',
    '',
    'Context for all.',
    '',
    '## Tasks',
    '- a: Add greet()',
    '  In src/greet.js.',
    '',
    '  Export it.',
    '- b: Use it',
    '  after: a',
    '  priority: 3',
    '  timeout: 1.5',
    '  estimate: 5m',
    '  model: opus',
    '  max_turns: 4',
    '',
  ));
});

test('round trip: multi-line prompts, after, per-task overrides and front matter', () => {
  roundTrip(doc(
    '---',
    'base: "1234567"',
    'verify: npm test -- --reporter "dot"',
    'timeout: 90s',
    'retries: 0',
    'session:',
    '  permission_mode: acceptEdits',
    '  max_budget_usd: 0.5',
    '---',
    '# Title',
    '',
    'Context, with `code`.',
    '',
    '## Tasks',
    '- a: First: with a colon',
    '  Line one.',
    '',
    '',
    '      indented more',
    '  \ttab',
    '- b: Second',
    '  after: a',
    '  priority: -4',
    '  timeout: 2h',
    '  mode: headless',
    '  model: "2024"',
    '  max_budget_usd: 1.25',
    '  permission_mode: plan',
    '  max_turns: 7',
    '- c: Third',
    '  after: [a, b]',
    '## Notes',
    'Context after the tasks.',
  ));
});

test('round trip: prompt lines that look like settings are escaped, in code they are not', () => {
  const { first, formatted } = roundTrip(doc(
    '## Tasks',
    '- a: A',
    '  model\\: users have posts',
    '  after\\\\: a backslash stays',
    '  ```',
    '  priority: high',
    '  ```',
    '- b: B',
  ));
  assert.equal(first.tasks[0]?.body, 'model: users have posts\nafter\\: a backslash stays\n```\npriority: high\n```');
  assert.match(formatted, /^ {2}model\\: users have posts$/m);
  assert.match(formatted, /^ {2}priority: high$/m);
});

test('round trip: prompt lines that look like a mistyped graph setting are escaped too', () => {
  const { first, formatted } = roundTrip(doc(
    '## Tasks',
    '- a: A',
    '- b: B',
    '  After\\: a',
    '  Requires\\\\: a backslash stays',
    '  Note: a',
  ));
  assert.equal(first.tasks[1]?.body, 'After: a\nRequires\\: a backslash stays\nNote: a');
  assert.deepEqual(first.tasks[1]?.after, []);
  assert.match(formatted, /^ {2}After\\: a$/m);
  assert.match(formatted, /^ {2}Note: a$/m);
});

test('round trip: foreach expansions come back as tasks of their own, with then and after rewired', () => {
  const { second } = roundTrip(doc(
    '# Fan out',
    '## Tasks',
    '- each: Lint {{item}}',
    '  foreach: src/**/*.ts',
    '  then: sum',
    '  timeout: 5m',
    '  Lint {{item}} only.',
    '- sum: Summarise',
  ));
  assert.deepEqual(second.tasks.map((t) => [t.id, t.after, t.body]), [
    ['each-src-a-ts', [], 'Lint src/a.ts only.'], ['each-src-b-ts', [], 'Lint src/b.ts only.'], ['sum', ['each-src-a-ts', 'each-src-b-ts'], ''],
  ]);
});

test('round trip: a goal without a task list, and one whose title came from the file name', () => {
  roundTrip(doc('# Fix the test', '', 'It fails.', '', '  Indented.'));
  const { formatted } = roundTrip(doc('No heading here.', '', '## Tasks', '- a: A'));
  assert.match(formatted, /^# g$/m);
});

test('a context that leaves a code block open gets it closed, so the tasks stay tasks', () => {
  const first = goalOf(parseGoal('g.md', doc('# T', '## Tasks', '- a: A', '- b: B', '# Appendix', '~~~~', 'open')));
  assert.equal(first.context, '# Appendix\n~~~~\nopen');
  const second = goalOf(parseGoal('g.md', formatGoal(first)));
  assert.deepEqual(kept(second.tasks), kept(first.tasks));
  assert.equal(second.context, '# Appendix\n~~~~\nopen\n~~~~');
});
