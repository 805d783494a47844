import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyLines, headingOf } from './markdown.js';

test('classifyLines marks fences and the code between them', () => {
  const lines = ['text', '```ts', '## not a heading', '```', '~~~~', '~~~', 'still code', '~~~~', 'after'];
  assert.deepEqual(classifyLines(lines), ['text', 'fence', 'code', 'fence', 'fence', 'code', 'code', 'fence', 'text']);
});

test('a backtick fence closes only with at least as many backticks and nothing else on the line', () => {
  const lines = ['````', '```', '```` x', '`````', 'text'];
  assert.deepEqual(classifyLines(lines), ['fence', 'code', 'code', 'fence', 'text']);
});

test('an indented fence ends at a line indented less than it, as a list item ends', () => {
  const lines = ['- a: task', '  ```', '  code', '', '- b: next', '  text'];
  assert.deepEqual(classifyLines(lines), ['text', 'fence', 'code', 'code', 'text', 'text']);
});

test('a fence at the start of a line runs to the end of the file when never closed', () => {
  assert.deepEqual(classifyLines(['```', '# x', 'y']), ['fence', 'code', 'code']);
});

test('headingOf reads level and text, drops a closing sequence, and needs a space after the hashes', () => {
  assert.deepEqual(headingOf('# Title'), { level: 1, text: 'Title' });
  assert.deepEqual(headingOf('## Tasks ##'), { level: 2, text: 'Tasks' });
  assert.deepEqual(headingOf('###'), { level: 3, text: '' });
  assert.deepEqual(headingOf('# C#'), { level: 1, text: 'C#' });
  assert.equal(headingOf('#hashtag'), undefined);
  assert.equal(headingOf('  # indented'), undefined);
  assert.equal(headingOf('####### seven'), undefined);
});
