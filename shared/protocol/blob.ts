/**
 * `/claudecluster/blob/1.0.0`: artifacts (git bundles) named by sha256, resumable by offset.
 * put: driver sends `BlobRequest{op:put}`, agent answers `{ok, offset}` (bytes it already has),
 *      driver sends the remaining raw bytes and closes its side, agent answers `BlobDone`.
 * get: driver sends `BlobRequest{op:get, offset}`, agent answers `{ok, size}` then raw bytes
 *      from offset to the end, and closes.
 */
import { z } from 'zod';
import { MAX_BLOB_BYTES } from '../constants.js';
import { Sha256 } from './common.js';

/** Blob sizes and offsets, both ways: nothing announces or expects more than MAX_BLOB_BYTES. */
const BlobBytes = z.number().int().nonnegative().max(MAX_BLOB_BYTES);

export const BlobRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('put'), sha256: Sha256, size: BlobBytes }).strict(),
  z.object({ op: z.literal('get'), sha256: Sha256, offset: BlobBytes }).strict(),
]);
export type BlobRequest = z.infer<typeof BlobRequest>;

export const BlobReply = z.union([
  z.object({ ok: z.literal(true), offset: BlobBytes }).strict(),
  z.object({ ok: z.literal(true), size: BlobBytes }).strict(),
  z.object({ ok: z.literal(false), error: z.string().max(1000) }).strict(),
]);
export type BlobReply = z.infer<typeof BlobReply>;

export const BlobDone = z.union([
  z.object({ ok: z.literal(true), sha256: Sha256 }).strict(),
  z.object({ ok: z.literal(false), error: z.string().max(1000) }).strict(),
]);
export type BlobDone = z.infer<typeof BlobDone>;
