/**
 * Small bundles inside control messages (INLINE_BUNDLE_BYTES): read one to send, and check one
 * received against the size and sha256 announced with it before it is used (see BundleSource).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { INLINE_BUNDLE_BYTES } from '../constants.js';

export class InlineBundleError extends Error {
  override readonly name = 'InlineBundleError';
}

/** The file's bytes as base64 when it is small enough to travel inline; undefined otherwise. */
export async function readInline(file: string, size: number): Promise<string | undefined> {
  if (size > INLINE_BUNDLE_BYTES) return undefined;
  return (await readFile(file)).toString('base64');
}

/** An inline bundle's bytes, once they are the ones announced (their sha256, and size when given). */
export function checkInline(inline: string, announced: { sha256: string; size?: number }): Buffer {
  const bytes = Buffer.from(inline, 'base64');
  if (announced.size !== undefined && bytes.byteLength !== announced.size) throw new InlineBundleError(`inline bundle has ${bytes.byteLength} bytes, ${announced.size} announced`);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== announced.sha256) throw new InlineBundleError(`inline bundle is corrupt: its sha256 is ${actual}, ${announced.sha256} announced`);
  return bytes;
}
