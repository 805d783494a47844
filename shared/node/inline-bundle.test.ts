import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INLINE_BUNDLE_BYTES } from '../constants.js';
import { InlineBundle } from '../protocol/common.js';
import { InlineBundleError, checkInline, readInline } from './inline-bundle.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cc-inline-'));
  made.push(d);
  return d;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('a file up to INLINE_BUNDLE_BYTES is read as base64 the wire accepts; a larger one is not inlined', async () => {
  const d = await dir();
  const small = randomBytes(INLINE_BUNDLE_BYTES);
  await writeFile(join(d, 'small'), small);
  const inline = await readInline(join(d, 'small'), small.byteLength);
  assert.equal(Buffer.from(inline!, 'base64').equals(small), true);
  assert.equal(InlineBundle.safeParse(inline).success, true);
  await writeFile(join(d, 'big'), randomBytes(INLINE_BUNDLE_BYTES + 1));
  assert.equal(await readInline(join(d, 'big'), INLINE_BUNDLE_BYTES + 1), undefined);
});

test('the wire refuses inline bytes beyond the limit, and text that is not base64', () => {
  assert.equal(InlineBundle.safeParse(randomBytes(INLINE_BUNDLE_BYTES + 3).toString('base64')).success, false);
  assert.equal(InlineBundle.safeParse('not base64!').success, false);
});

test('an inline bundle is taken only when its bytes are the ones announced', () => {
  const bytes = randomBytes(1000);
  const inline = bytes.toString('base64');
  assert.equal(checkInline(inline, { sha256: sha256(bytes), size: 1000 }).equals(bytes), true);
  assert.throws(() => checkInline(inline, { sha256: sha256(bytes), size: 999 }), (e: Error) => e instanceof InlineBundleError && /1000 bytes, 999 announced/.test(e.message));
  assert.throws(() => checkInline(inline, { sha256: 'b'.repeat(64) }), (e: Error) => e instanceof InlineBundleError && /corrupt/.test(e.message));
});
