import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TermFeed, skippedNote, type TermSink } from './term-feed.js';

/** A terminal stand-in that records writes and lets the test decide when each is parsed. */
function sink() {
  const written: string[] = [];
  const acks: number[] = [];
  const pending: (() => void)[] = [];
  const s: TermSink = {
    write: (data, done) => { written.push(data); pending.push(done); },
    ack: (chars) => acks.push(chars),
  };
  const parseAll = () => { while (pending.length > 0) pending.shift()?.(); };
  return { s, written, acks, parseAll };
}

test('attach output comes first, then live batches from its offset; older batches are dropped', () => {
  const t = sink();
  const feed = new TermFeed(t.s, 10);
  feed.attached({ data: 'hello ', offset: 6 });
  feed.receive({ offset: 6, data: 'world' });
  feed.receive({ offset: 0, data: 'hello ' });
  assert.deepEqual(t.written, ['hello ', 'world']);
  assert.equal(feed.offset, 11);
});

test('batches that arrive before the attach answer are sorted out by offset', () => {
  const t = sink();
  const feed = new TermFeed(t.s, 1000);
  feed.receive({ offset: 3, data: 'def' });
  feed.receive({ offset: 6, data: 'ghi' });
  assert.deepEqual(t.written, [], 'nothing is written before the attach answer');
  feed.attached({ data: 'abcde', offset: 5 });
  // 'def' overlaps: only 'f' is new; 'ghi' is wholly new.
  assert.deepEqual(t.written, ['abcde', 'f', 'ghi']);
  assert.equal(feed.offset, 9);
});

test('acks are sent in lumps of the threshold, only after the terminal parsed the data', () => {
  const t = sink();
  const feed = new TermFeed(t.s, 10);
  feed.attached({ data: '', offset: 0 });
  feed.receive({ offset: 0, data: '123456' });
  feed.receive({ offset: 6, data: '7890abc' });
  assert.deepEqual(t.acks, [], 'no ack before the write callbacks');
  t.parseAll();
  assert.deepEqual(t.acks, [13]);
  feed.receive({ offset: 13, data: 'xyz' });
  t.parseAll();
  assert.deepEqual(t.acks, [13], 'below the threshold nothing more is acked');
});

test('dropped duplicates count as handled, so the source is never left paused', () => {
  const t = sink();
  const feed = new TermFeed(t.s, 5);
  feed.attached({ data: 'abcdefgh', offset: 8 });
  feed.receive({ offset: 0, data: 'abcdefgh' });
  assert.deepEqual(t.written, ['abcdefgh']);
  assert.deepEqual(t.acks, [8]);
});

test('a gap in offsets is noted in the pane, and the feed continues from the new end; only feed characters are acked', () => {
  const t = sink();
  const feed = new TermFeed(t.s, 5);
  feed.attached({ data: '', offset: 0 });
  feed.receive({ offset: 50, data: 'later' });
  assert.deepEqual(t.written, [skippedNote(50), 'later']);
  assert.match(t.written[0]!, /50 characters skipped/);
  assert.equal(feed.offset, 55);
  t.parseAll();
  assert.deepEqual(t.acks, [5]);
});

test('a disposed feed writes and acks nothing more', () => {
  const t = sink();
  const feed = new TermFeed(t.s, 1);
  feed.attached({ data: '', offset: 0 });
  feed.receive({ offset: 0, data: 'a' });
  feed.dispose();
  t.parseAll();
  feed.receive({ offset: 1, data: 'b' });
  assert.deepEqual(t.written, ['a']);
  assert.deepEqual(t.acks, []);
});
