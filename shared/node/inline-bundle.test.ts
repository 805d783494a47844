import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INLINE_BUNDLE_BYTES } from '../constants.js';
import { InlineBundle } from '../protocol/common.js';
import { InlineBundleError, readInline, writeInline } from './inline-bundle.js';

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

test('an inline bundle is written only when its bytes are the ones announced', async () => {
  const d = await dir();
  const bytes = randomBytes(1000);
  const inline = bytes.toString('base64');
  await writeInline(inline, { sha256: sha256(bytes), size: 1000 }, join(d, 'ok'));
  assert.equal((await readFile(join(d, 'ok'))).equals(bytes), true);

  await assert.rejects(writeInline(inline, { sha256: sha256(bytes), size: 999 }, join(d, 'short')), (e: Error) => e instanceof InlineBundleError && /1000 bytes, 999 announced/.test(e.message));
  await assert.rejects(writeInline(inline, { sha256: 'b'.repeat(64) }, join(d, 'forged')), (e: Error) => e instanceof InlineBundleError && /corrupt/.test(e.message));
  assert.equal(existsSync(join(d, 'short')) || existsSync(join(d, 'forged')), false);
});
