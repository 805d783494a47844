import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lpStream, streamPair } from '@libp2p/utils';
import { FramedStream, FrameError, encodeFrame } from './frames.js';
import { MAX_FRAME_BYTES } from '../constants.js';
import { z } from 'zod';

test('encodeFrame writes frames lpStream can read, for short and multi-byte lengths', async () => {
  const [a, b] = await streamPair();
  const reader = new FramedStream(b);
  const big = { s: 'x'.repeat(70_000) };
  a.send(encodeFrame({ n: 1 }));
  a.send(encodeFrame(big));
  assert.deepEqual(await reader.readJson(), { n: 1 });
  assert.deepEqual(await reader.readJson(), big);
});

test('a frame that is not JSON is a FrameError; an oversized length is refused before reading', async () => {
  const [a, b] = await streamPair();
  const reader = new FramedStream(b);
  await lpStream(a).write(Buffer.from('{nope'));
  await assert.rejects(reader.readJson(), FrameError);
  const [c, d] = await streamPair();
  const small = new FramedStream(d, 16);
  await lpStream(c).write(Buffer.from(JSON.stringify({ s: 'x'.repeat(100) })));
  await assert.rejects(small.readJson(), /too long/);
  assert.ok(MAX_FRAME_BYTES >= 1024 * 1024);
});

test('a frame that breaks its schema is described in at most a few hundred characters', async () => {
  // Found by the fuzzer: thousands of unknown keys were all listed, and the agent's error frame
  // overran the 1000 characters TermOpened and BlobReply allow an error.
  const [a, b] = await streamPair();
  const reader = new FramedStream(b);
  a.send(encodeFrame(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`${i}${'k'.repeat(100)}`, 0]))));
  await assert.rejects(reader.read(z.object({ n: z.number() }).strict()), (e: Error) => e instanceof FrameError && e.message.length <= 400 && /Unrecognized key/.test(e.message));
});
