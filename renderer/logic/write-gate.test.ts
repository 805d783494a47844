import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPING_HOLD_MS, WriteGate, type WriteFn } from './write-gate.js';

/** A clock for tests that never type: time stands still and nothing is scheduled. */
const CLOCK = { now: () => 0, later: () => assert.fail('nothing waits without typing') };

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
  const gate = new WriteGate(CLOCK, 4);
  const done: string[] = [];
  gate.write('a', 'aaaaaaaa', t.writer('a'), () => done.push('a'));
  gate.write('b', 'bbbbbbbb', t.writer('b'), () => done.push('b'));
  assert.deepEqual(t.log, ['a:aaaaaaaa', 'b:bbbbbbbb']);
  t.parseAll();
  assert.deepEqual(done, ['a', 'b']);
});

test('while a pane is focused, the others wait for it to be parsed, then go in slices', () => {
  const t = terminals();
  const gate = new WriteGate(CLOCK, 4);
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
  const gate = new WriteGate(CLOCK, 4);
  gate.focus('a');
  gate.write('a', 'a', t.writer('a'), () => undefined);
  gate.write('b', 'bbbbbbbbbb', t.writer('b'), () => undefined);
  gate.write('c', 'cc', t.writer('c'), () => undefined);
  gate.forget('c');
  gate.focus(undefined);
  assert.deepEqual(t.log, ['a:a', 'b:bbbbbbbbbb']);
});

test('a dropped pane\'s waiting output goes, and the pane keeps its focus', () => {
  const t = terminals();
  const gate = new WriteGate(CLOCK, 4);
  gate.focus('a');
  gate.write('a', 'a1', t.writer('a'), () => undefined);
  gate.write('b', 'bb', t.writer('b'), () => undefined);
  gate.write('c', 'cc', t.writer('c'), () => undefined);
  gate.drop('c');
  gate.drop('a');
  gate.write('a', 'a2', t.writer('a'), () => undefined);
  assert.deepEqual(t.log, ['a:a1', 'a:a2'], 'still focused: its writes go first, the others wait');
  gate.focus(undefined);
  assert.deepEqual(t.log, ['a:a1', 'a:a2', 'b:bb'], 'c\'s waiting output was dropped');
});

test('while keys are typed into the focused pane the others wait, and go on in slices once typing pauses', () => {
  const t = terminals();
  let now = 1_000;
  const wakes: Array<{ at: number; fn: () => void }> = [];
  const gate = new WriteGate({ now: () => now, later: (fn, ms) => wakes.push({ at: now + ms, fn }) }, 4);
  const wakeUp = (): void => { const w = wakes.shift()!; now = w.at; w.fn(); };
  // Parses what the terminals hold now (not what that lets in).
  const parse = (): void => { for (const done of t.pending.splice(0)) done(); };
  gate.focus('a');
  gate.write('b', 'bbbbbbbbbbbb', t.writer('b'), () => undefined);
  assert.deepEqual(t.log, ['b:bbbb'], 'not typing yet: a slice goes at once');
  parse();
  assert.deepEqual(t.log, ['b:bbbb', 'b:bbbb'], 'and the next once it is parsed');

  gate.typed();
  parse();
  gate.write('a', 'a1', t.writer('a'), () => undefined);
  parse();
  assert.deepEqual(t.log, ['b:bbbb', 'b:bbbb', 'a:a1'], 'typing: the focused pane is written, the others wait');
  assert.equal(wakes.length, 1, 'one wake-up, however often the gate is pumped');
  assert.equal(wakes[0]!.at, 1_000 + TYPING_HOLD_MS);

  now += TYPING_HOLD_MS / 2;
  gate.typed();
  wakeUp();
  assert.equal(t.log.length, 3, 'a key typed since: still waiting');
  assert.equal(wakes.length, 1);
  assert.equal(wakes[0]!.at, now + TYPING_HOLD_MS / 2, 'woken again when the last key is a hold old');
  wakeUp();
  assert.deepEqual(t.log.slice(3), ['b:bbbb'], 'typing paused: the others go on');
  parse();
  assert.equal(t.log.length, 4, 'all of b was written');
  gate.write('c', 'cccccccc', t.writer('c'), () => undefined);
  assert.deepEqual(t.log.slice(4), ['c:cccc'], 'slices go as soon as the one before is parsed');
});
