import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BLOB_BYTES } from '../constants.js';
import { BlobReply, BlobRequest } from './blob.js';

const SHA = 'a'.repeat(64);

test('a put announcing more than MAX_BLOB_BYTES is refused at the boundary', () => {
  assert.equal(BlobRequest.safeParse({ op: 'put', sha256: SHA, size: MAX_BLOB_BYTES }).success, true);
  assert.equal(BlobRequest.safeParse({ op: 'put', sha256: SHA, size: MAX_BLOB_BYTES + 1 }).success, false);
});

test('a get reply announcing more than MAX_BLOB_BYTES is refused by the driver', () => {
  assert.equal(BlobReply.safeParse({ ok: true, size: MAX_BLOB_BYTES }).success, true);
  assert.equal(BlobReply.safeParse({ ok: true, size: MAX_BLOB_BYTES + 1 }).success, false);
  assert.equal(BlobReply.safeParse({ ok: true, offset: MAX_BLOB_BYTES + 1 }).success, false);
});
