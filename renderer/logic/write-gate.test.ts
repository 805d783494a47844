import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WriteGate, type WriteFn } from './write-gate.js';

/** Terminals that record what they were given and let the test decide when it is parsed. */
function terminals() {
  const log: string[] = [];
  const pending: Array<() => void> = [];
  const writer = (pane: string): WriteFn => (data, done) => { log.push(`${pane}:${data}`); pending.push(done); };
  const parseAll = (): void => { while (pending.length > 0) pending.shift()!(); };
  return { log, writer, parseAll, pending };
}

test('with no pane focused every write goes straight through', () => {
  const t = terminals();
  const gate = new WriteGate(4);
  const done: string[] = [];
  gate.write('a', 'aaaaaaaa', t.writer('a'), () => done.push('a'));
  gate.write('b', 'bbbbbbbb', t.writer('b'), () => done.push('b'));
  assert.deepEqual(t.log, ['a:aaaaaaaa', 'b:bbbbbbbb']);
  t.parseAll();
  assert.deepEqual(done, ['a', 'b']);
});

test('while a pane is focused, the others wait for it to be parsed, then go in slices', () => {
  const t = terminals();
  const gate = new WriteGate(4);
  const done: string[] = [];
  gate.focus('a');
  gate.write('a', 'a1', t.writer('a'), () => done.push('a1'));
  gate.write('b', 'bbbbbb', t.writer('b'), () => done.push('b'));
  gate.write('c', 'cc', t.writer('c'), () => done.push('c'));
  assert.deepEqual(t.log, ['a:a1'], 'the others wait while the focused pane has output to parse');
  t.pending.shift()!(); // a1 parsed
  assert.deepEqual(t.log, ['a:a1', 'b:bbbb'], 'one slice of the others');
  gate.write('a', 'a2', t.writer('a'), () => done.push('a2'));
  assert.deepEqual(t.log.at(-1), 'a:a2', 'the focused pane never waits');
  t.parseAll(); // the slice and a2
  assert.deepEqual(t.log.slice(3), ['b:bb', 'c:cc']);
  t.parseAll();
  assert.deepEqual(done, ['a1', 'a2', 'b', 'c'], 'a split write is done once its last piece is parsed');
});

test('when the focus leaves, everything waiting goes; a forgotten pane\'s output is dropped', () => {
  const t = terminals();
  const gate = new WriteGate(4);
  gate.focus('a');
  gate.write('a', 'a', t.writer('a'), () => undefined);
  gate.write('b', 'bbbbbbbbbb', t.writer('b'), () => undefined);
  gate.write('c', 'cc', t.writer('c'), () => undefined);
  gate.forget('c');
  gate.focus(undefined);
  assert.deepEqual(t.log, ['a:a', 'b:bbbbbbbbbb']);
});
