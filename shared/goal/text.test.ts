import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedent, indentWidth, splitLines, trimBlankLines, utf8Length } from './text.js';

test('splitLines accepts LF, CRLF and lone CR, and drops a byte order mark', () => {
  assert.deepEqual(splitLines('a\nb\r\nc\rd'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(splitLines('\uFEFFx\r\n'), ['x', '']);
});

test('indentWidth expands tabs to the next multiple of four columns', () => {
  assert.equal(indentWidth('    x'), 4);
  assert.equal(indentWidth('\tx'), 4);
  assert.equal(indentWidth('  \tx'), 4);
  assert.equal(indentWidth('\t  x'), 6);
  assert.equal(indentWidth('x'), 0);
});

test('dedent removes the common indentation in columns, whether written with tabs or spaces', () => {
  assert.deepEqual(dedent(['\tone', '    two', '      three']), ['one', 'two', '  three']);
  // A tab only partly removed leaves the rest of its width as spaces.
  assert.deepEqual(dedent(['  a', '\tb']), ['a', '  b']);
  assert.deepEqual(dedent(['  a', '   ', '  b']), ['a', '', 'b']);
});

test('trimBlankLines keeps inner blank lines and the indentation of the first line', () => {
  assert.deepEqual(trimBlankLines(['', '  ', '  x', '', 'y', ' ']), ['  x', '', 'y']);
  assert.deepEqual(trimBlankLines(['', ' ']), []);
});

test('utf8Length counts UTF-8 bytes', () => {
  assert.equal(utf8Length('a'), 1);
  assert.equal(utf8Length('é'), 2);
  assert.equal(utf8Length('→'), 3);
  assert.equal(utf8Length('😀'), 4);
});
