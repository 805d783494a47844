import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientTermFeed } from './client-term-feed.js';
import { TaskTermOutput } from './term-feed.js';
import { ClientTerms } from './client-terms.js';

/** Polls `cond` until it holds (real timers, no fixed sleeps). */
async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

test('writes within one batch window go out as one batch, with the offset of its start', async () => {
  const out = new TaskTermOutput({ batchMs: 20 });
  const got: Array<[number, string]> = [];
  const attached = out.attach((offset, data) => got.push([offset, data]));
  assert.deepEqual({ data: attached.data, offset: attached.offset }, { data: '', offset: 0 });
  out.write(bytes('hello '));
  out.write(bytes('world'));
  assert.equal(got.length, 0, 'nothing is sent before the batch ends');
  await until(() => got.length === 1, 'the batch');
  assert.deepEqual(got, [[0, 'hello world']]);
  out.write(bytes('!'));
  await until(() => got.length === 2, 'the second batch');
  assert.deepEqual(got[1], [11, '!']);
  out.dispose();
});

test('a character split across chunks is decoded whole', async () => {
  const out = new TaskTermOutput({ batchMs: 1 });
  const got: string[] = [];
  out.attach((_o, d) => got.push(d));
  const euro = bytes('€✓😀');
  for (const b of euro) out.write(new Uint8Array([b]));
  out.end();
  assert.equal(got.join(''), '€✓😀');
  assert.equal(out.total, '€✓😀'.length);
});

test('attach returns the recent output and the offset live batches continue from', async () => {
  const out = new TaskTermOutput({ batchMs: 1, historyChars: 10 });
  out.write(bytes('line one\nline two\n'));
  out.flush();
  const got: Array<[number, string]> = [];
  const a = out.attach((o, d) => got.push([o, d]));
  // Capped to the last 10 characters (cut after a line break), with a note that output was left out.
  assert.equal(a.offset, 18);
  assert.ok(a.data.endsWith('line two\n'), JSON.stringify(a.data));
  assert.match(a.data, /9 earlier characters not shown/);
  out.write(bytes('three'));
  await until(() => got.length === 1, 'the live batch');
  assert.deepEqual(got, [[18, 'three']]);
  a.detach();
  out.write(bytes('four'));
  out.flush();
  assert.equal(got.length, 1, 'a detached listener gets nothing');
});

test('pending output is flushed into the attach answer, not sent again', async () => {
  const out = new TaskTermOutput({ batchMs: 10_000 });
  out.write(bytes('abc'));
  const got: string[] = [];
  const a = out.attach((_o, d) => got.push(d));
  assert.deepEqual({ data: a.data, offset: a.offset }, { data: 'abc', offset: 3 });
  out.dispose();
  assert.deepEqual(got, []);
});

test('flow control: pauses above the high mark, buffers without loss, resumes below the low mark', () => {
  const sent: Array<[number, string]> = [];
  const feed = new ClientTermFeed((o, d) => sent.push([o, d]), { highWater: 100, lowWater: 10, maxBatchChars: 40 });
  const source = 'x'.repeat(90) + 'y'.repeat(200) + 'z'.repeat(5);
  feed.push(0, source.slice(0, 90));
  assert.equal(feed.paused, false);
  feed.push(90, source.slice(90, 290));
  // Sent up to exactly the high mark, in batches no larger than the cap; the rest waits.
  assert.equal(feed.unacknowledged, 100);
  assert.equal(feed.paused, true);
  assert.ok(sent.every(([, d]) => d.length <= 40));
  assert.equal(feed.buffered, 190);
  feed.push(290, source.slice(290));
  assert.equal(feed.buffered, 195, 'more output while paused is buffered');
  feed.ack(50);
  assert.equal(feed.paused, true, 'still above the low mark: stays paused');
  assert.equal(sent.reduce((n, [, d]) => n + d.length, 0), 100);
  feed.ack(45);
  assert.equal(feed.paused, true, 'resumed below the low mark, and paused again at the high mark');
  assert.equal(feed.unacknowledged, 100);
  feed.ack(100);
  feed.ack(100);
  assert.equal(feed.paused, false);
  assert.equal(feed.buffered, 0);
  // Nothing lost, nothing repeated: the batches tile the source exactly, in order.
  let at = 0;
  for (const [offset, data] of sent) {
    assert.equal(offset, at);
    at += data.length;
  }
  assert.equal(sent.map(([, d]) => d).join(''), source);
});

test('a batch never ends between the halves of a surrogate pair', () => {
  const sent: string[] = [];
  const feed = new ClientTermFeed((_o, d) => sent.push(d), { highWater: 1000, lowWater: 10, maxBatchChars: 3 });
  feed.push(0, 'ab😀cd');
  assert.equal(sent.join(''), 'ab😀cd');
  for (const d of sent) assert.ok(!/[\ud800-\udbff]$/.test(d), JSON.stringify(sent));
});

test('end to end with real timers: a flood through a slow client arrives whole and in order', async () => {
  const out = new TaskTermOutput({ batchMs: 1 });
  const received: string[] = [];
  let at = 0;
  const feed = new ClientTermFeed((offset, data) => {
    assert.equal(offset, at, 'batches arrive in order without gaps');
    at += data.length;
    received.push(data);
  }, { highWater: 1000, lowWater: 100, maxBatchChars: 256 });
  const a = out.attach((o, d) => feed.push(o, d));
  let expected = '';
  for (let i = 0; i < 200; i++) {
    const line = `line ${i} ✓\r\n`;
    expected += line;
    out.write(bytes(line));
  }
  await until(() => feed.paused, 'the feed to pause');
  // The client writes and acknowledges in lumps, as a pane does, until everything is through.
  await until(() => {
    if (feed.unacknowledged > 0) feed.ack(Math.min(feed.unacknowledged, 100));
    return at === expected.length;
  }, 'the whole flood to arrive');
  assert.equal(received.join(''), expected);
  a.detach();
  out.dispose();
});

test('a client far behind holds the source: write returns a promise until acks drain its queue, and nothing is lost', async () => {
  const out = new TaskTermOutput({ batchMs: 1 });
  const sent: Array<[number, string]> = [];
  const feed = new ClientTermFeed((o, d) => sent.push([o, d]), { highWater: 100, lowWater: 10, maxBatchChars: 50, holdAbove: 200, stallMs: 60_000 });
  const a = out.attach((o, d) => feed.push(o, d), feed);
  const source = 'abcdefghij'.repeat(40);
  assert.equal(out.write(bytes(source.slice(0, 250))), undefined, 'nothing queued yet when it was written');
  out.flush();
  assert.equal(feed.holding, false, '150 queued: under the hold mark');
  out.write(bytes(source.slice(250, 350)));
  out.flush();
  assert.equal(feed.holding, true, '250 queued: above it');
  const hold = out.write(bytes(source.slice(350)));
  assert.ok(hold instanceof Promise, 'the source is asked to hold');
  let released = false;
  void hold.then(() => { released = true; });
  out.flush();
  await until(() => {
    if (feed.unacknowledged > 0) feed.ack(feed.unacknowledged);
    return released && feed.buffered === 0;
  }, 'the hold to be released and the queue drained');
  assert.equal(sent.map(([, d]) => d).join(''), source);
  assert.equal(feed.skipped, 0);
  a.detach();
  out.dispose();
});

test('a holding client that acknowledges nothing stalls: the source goes on, and the client skips ahead to the newest output', async () => {
  const out = new TaskTermOutput({ batchMs: 1 });
  const sent: Array<[number, string]> = [];
  const feed = new ClientTermFeed((o, d) => sent.push([o, d]), { highWater: 100, lowWater: 10, maxBatchChars: 100, holdAbove: 200, stallMs: 20, stalledQueueChars: 120 });
  const a = out.attach((o, d) => feed.push(o, d), feed);
  const lines = Array.from({ length: 40 }, (_, i) => `line ${String(i).padStart(2, '0')}\n`).join(''); // 40 × 8 characters
  const hold = out.write(bytes(lines));
  out.flush();
  const held = out.write(bytes('more\n'));
  assert.ok(held instanceof Promise, 'held while the client is behind');
  await held; // No ack ever comes: only the stall clock can release it.
  assert.ok(feed.skipped > 0, 'output was skipped for this client');
  assert.ok(feed.buffered <= 120, `the stalled client's queue keeps only the newest output (${feed.buffered})`);
  assert.equal(feed.holding, false);
  assert.equal(out.write(bytes('tail\n')), undefined, 'a stalled client holds nothing');
  out.flush();
  // It acks again: the rest arrives from the skip point on, ending with the newest output.
  await until(() => {
    if (feed.unacknowledged > 0) feed.ack(feed.unacknowledged);
    return feed.buffered === 0;
  }, 'the stalled client to catch up');
  const first = sent[0]!;
  assert.equal(first[0], 0);
  const afterSkip = sent.find(([o], i) => i > 0 && o !== sent[i - 1]![0] + sent[i - 1]![1].length)!;
  assert.ok(afterSkip, 'one batch starts past the end of the one before');
  const all = lines + 'more\ntail\n';
  assert.equal(afterSkip[0], 100 + feed.skipped, 'the skip is as long as the feed says');
  assert.ok(afterSkip[1].startsWith('line ') || afterSkip[1].startsWith('more'), `it resumes at a line start: ${JSON.stringify(afterSkip[1].slice(0, 10))}`);
  assert.equal(sent.at(-1)![0] + sent.at(-1)![1].length, all.length, 'it ends at the newest output');
  assert.equal(hold, undefined);
  a.detach();
  out.dispose();
});

test('detaching a holding client releases the source', async () => {
  const out = new TaskTermOutput({ batchMs: 1 });
  const feed = new ClientTermFeed(() => undefined, { highWater: 10, lowWater: 1, holdAbove: 10, stallMs: 60_000 });
  const a = out.attach((o, d) => feed.push(o, d), feed);
  out.write(bytes('x'.repeat(50)));
  out.flush();
  const held = out.write(bytes('y'));
  assert.ok(held instanceof Promise);
  a.detach();
  feed.dispose();
  await held;
  out.dispose();
});

test('a client busy with one pane is alive: its other feeds keep holding; once it acks nothing at all, they stop', async () => {
  const terms = new ClientTerms(() => undefined, { highWater: 10, lowWater: 1, holdAbove: 10, stallMs: 50 });
  const a = new TaskTermOutput({ batchMs: 1 });
  const b = new TaskTermOutput({ batchMs: 1 });
  terms.attach('r', 'a', a);
  terms.attach('r', 'b', b);
  b.write(bytes('x'.repeat(30)));
  b.flush();
  const held = b.write(bytes('y'));
  assert.ok(held instanceof Promise, 'pane b is far behind: its task is held');
  let released = false;
  void held.then(() => { released = true; });
  // The page writes pane a and acks it every few ms, for four stall periods.
  const started = Date.now();
  while (Date.now() - started < 200) {
    a.write(bytes('z'.repeat(5)));
    a.flush();
    terms.ack('r', 'a', 5);
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(released, false, 'a live client keeps holding b');
  await held; // It acks nothing more: the stall clock releases b.
  terms.close();
  a.dispose();
  b.dispose();
});

test('a pane closed with term.detach no longer holds its task', async () => {
  const terms = new ClientTerms(() => undefined, { highWater: 10, lowWater: 1, holdAbove: 10, stallMs: 60_000 });
  const out = new TaskTermOutput({ batchMs: 1 });
  terms.attach('r', 't', out);
  out.write(bytes('x'.repeat(30)));
  out.flush();
  const held = out.write(bytes('y'));
  assert.ok(held instanceof Promise);
  terms.detach('r', 't');
  await held;
  assert.equal(out.write(bytes('z')), undefined, 'nothing holds it now');
  assert.equal(terms.ack('r', 't', 1), false, 'the feed is gone');
  out.dispose();
});

test('a burst is held as it comes in, not only once its batch is sent', () => {
  const out = new TaskTermOutput({ batchMs: 60_000 }); // No batch timer fires within this test.
  const feed = new ClientTermFeed(() => undefined, { highWater: 1000, lowWater: 10, holdAbove: 1000, stallMs: 60_000 });
  const a = out.attach((o, d) => feed.push(o, d), feed);
  const heldAt: number[] = [];
  for (let i = 0; i < 4; i++) if (out.write(bytes('x'.repeat(64 * 1024)))) heldAt.push(i);
  assert.deepEqual(heldAt, [0, 1, 2, 3], 'held from the first 64 KiB on');
  a.detach();
  feed.dispose();
  out.dispose();
});
