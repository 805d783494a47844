import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoal } from './parse.js';
import { readLooseKey } from './loose-keys.js';

const doc = (...lines: string[]) => lines.join('\n');
const errors = (text: string) => {
  const result = parseGoal('g.md', text);
  return result.ok ? [] : result.errors.map((e) => [e.code, e.line, e.message]);
};
const TASKS = ['## Tasks', '- greet: Add greet', '- farewell: Add farewell'];

test('a mistyped after or then whose every word names a task is an error saying what was meant', () => {
  assert.deepEqual(errors(doc(...TASKS, '- cli: Add a cli', '  After: greet, farewell')), [
    ['task-option', 5, '"After:" is not a task setting, so this line is prompt text of task "cli" and sets nothing; did you mean "after: greet, farewell"? (To keep it as text, write "After\\:".)'],
  ]);
  assert.deepEqual(errors(doc(...TASKS, '- cli: Add a cli', '  aftr: [greet]')).map(([, line]) => line), [5]);
  assert.deepEqual(errors(doc(...TASKS, '- cli: Add a cli', '  depends_on: greet')).map(([, line]) => line), [5]);
  assert.deepEqual(errors(doc('## Tasks', '- t: T {{item}}', '  foreach: [en]', '  thne: sum', '- sum: S')).map(([, line]) => line), [4]);
});

test('a mistyped foreach before a list or a glob is an error', () => {
  assert.deepEqual(errors(doc('## Tasks', '- t: Translate to {{item}}', '  forEach: [en, de]')).map(([code, line]) => [code, line]), [['task-option', 3]]);
  assert.deepEqual(errors(doc('## Tasks', '- t: Type {{item}}', '  for_each: src/*.ts')).map(([code, line]) => [code, line]), [['task-option', 3]]);
});

test('prompt text that only looks alike stays prompt text', () => {
  const text = doc(...TASKS, '- cli: Add a cli',
    '  Then: add tests for greet.', // not only task ids
    '  After: lunch', // not a task
    '  Needs: ', // nothing named
    '  For each: file, say hello', // two words
    '  after\\: greet', // escaped on purpose
    '  Needs\\: greet', // a look-alike escaped on purpose
    '  Note: greet', // not near a graph setting
    '  ```', '  After: greet', '  ```'); // in code
  const result = parseGoal('g.md', text);
  assert.ok(result.ok, JSON.stringify(result));
  const cli = result.goal.tasks.find((t) => t.id === 'cli');
  assert.deepEqual(cli?.after, []);
  assert.match(cli?.body ?? '', /^after: greet\nNeeds: greet$/m, 'an escaped colon loses its backslash');
});

test('readLooseKey names the setting a line looks like', () => {
  assert.deepEqual(readLooseKey('  Requires: a', 7), { word: 'Requires', key: 'after', value: 'a', line: 7 });
  assert.equal(readLooseKey('Then: a', 1), undefined, 'not indented: not a task line');
  assert.equal(readLooseKey('  model: a', 1), undefined);
});
