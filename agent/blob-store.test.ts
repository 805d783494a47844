import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobError, BlobStore } from './blob-store.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

async function store(): Promise<{ blobs: BlobStore; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-blobs-'));
  made.push(dir);
  const blobs = new BlobStore(dir);
  await blobs.init();
  return { blobs, dir };
}

test('a blob sent inline is stored under its sha256, also when it comes twice at once', async () => {
  const { blobs, dir } = await store();
  const bytes = randomBytes(5000);
  const sha = createHash('sha256').update(bytes).digest('hex');
  await Promise.all([blobs.putInline(sha, bytes.toString('base64')), blobs.putInline(sha, bytes.toString('base64'))]);
  assert.equal(await blobs.size(sha), 5000);
  assert.equal((await readFile(blobs.path(sha))).equals(bytes), true);
  assert.deepEqual(await readdir(dir), [sha]);
});

test('an inline blob whose bytes are not its sha256 is refused and leaves nothing', async () => {
  const { blobs, dir } = await store();
  const sha = 'c'.repeat(64);
  await assert.rejects(blobs.putInline(sha, randomBytes(100).toString('base64')), (e: Error) => e instanceof BlobError && /corrupt/.test(e.message));
  assert.equal(await blobs.size(sha), undefined);
  assert.deepEqual(await readdir(dir), []);
});
