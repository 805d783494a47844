import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composePrompt } from './prompt.js';
import type { Goal, GoalTask } from './types.js';

const task: GoalTask = { id: 'c', title: 'Use greet in the CLI', body: 'Call greet()\n\n  keep indentation', after: [], line: 9 };
const goal: Goal = {
  file: 'g.md', title: 'Add a greeting', context: 'Shared context.\n\nMore.', session: {}, hasTaskList: true, tasks: [task],
};

test('a task from a task list gets the goal title, the context, its own heading and body', () => {
  assert.equal(composePrompt(goal, task), [
    '# Add a greeting', '', 'Shared context.', '', 'More.', '', '## Your task: c — Use greet in the CLI', '', 'Call greet()', '', '  keep indentation',
  ].join('\n'));
});

test('empty context and empty body are left out', () => {
  const bare = { ...goal, context: '' };
  assert.equal(composePrompt(bare, { ...task, body: '' }), '# Add a greeting\n\n## Your task: c — Use greet in the CLI');
});

test('a goal without a task list is its title and context', () => {
  const single: GoalTask = { id: 'goal', title: 'Add a greeting', body: 'Shared context.\n\nMore.', after: [], line: 3 };
  assert.equal(composePrompt({ ...goal, hasTaskList: false, tasks: [single] }, single), '# Add a greeting\n\nShared context.\n\nMore.');
});
