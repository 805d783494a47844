/**
 * Small bundles inside control messages (INLINE_BUNDLE_BYTES): read one to send, and check one
 * received against the size and sha256 announced with it before it is written anywhere.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { INLINE_BUNDLE_BYTES } from '../constants.js';

export class InlineBundleError extends Error {
  override readonly name = 'InlineBundleError';
}

/** The file's bytes as base64 when it is small enough to travel inline; undefined otherwise. */
export async function readInline(file: string, size: number): Promise<string | undefined> {
  if (size > INLINE_BUNDLE_BYTES) return undefined;
  return (await readFile(file)).toString('base64');
}

/** Writes an inline bundle to `dest`, once its bytes are the ones announced (their sha256, and size when given). */
export async function writeInline(inline: string, announced: { sha256: string; size?: number }, dest: string): Promise<void> {
  const bytes = Buffer.from(inline, 'base64');
  if (announced.size !== undefined && bytes.byteLength !== announced.size) throw new InlineBundleError(`inline bundle has ${bytes.byteLength} bytes, ${announced.size} announced`);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== announced.sha256) throw new InlineBundleError(`inline bundle is corrupt: its sha256 is ${actual}, ${announced.sha256} announced`);
  await writeFile(dest, bytes, { mode: 0o600 });
}
