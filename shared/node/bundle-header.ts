/**
 * Reads the header of a git bundle (v2 or v3): the commits it needs (prerequisites) and the refs
 * it carries. Reading it directly spares a `git bundle list-heads` process per bundle.
 */
import { open } from 'node:fs/promises';
import type { BundleSource } from './bundle-source.js';

/** A header this long holds any bundle we make (one ref, a few hundred prerequisites). */
const MAX_HEADER_BYTES = 64 * 1024;
const SIGNATURES = ['# v2 git bundle', '# v3 git bundle'];
const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
/** A ref name git could have written (`HEAD`, or under refs/ with no characters git forbids), so it is safe in a refspec. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const REF_NAME = /^(?:HEAD|refs\/[^\s~^:?*[\\\x00-\x1f\x7f]+)$/;

export interface BundleHeader {
  prerequisites: string[];
  refs: Array<{ oid: string; name: string }>;
  /** Where the pack starts: the byte after the header's blank line. */
  packAt: number;
}

export class BundleHeaderError extends Error {
  override readonly name = 'BundleHeaderError';
}

export async function readBundleHeader(bundle: BundleSource): Promise<BundleHeader> {
  if ('bytes' in bundle) return parseBundleHeader(Buffer.from(bundle.bytes.subarray(0, MAX_HEADER_BYTES)).toString('latin1'));
  const file = await open(bundle.file, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    text = buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await file.close();
  }
  return parseBundleHeader(text);
}

/** Parses the header from the start of a bundle's bytes (latin1 text). */
export function parseBundleHeader(text: string): BundleHeader {
  const end = text.indexOf('\n\n');
  if (end === -1) throw new BundleHeaderError('not a git bundle: no end of header');
  const [signature, ...lines] = text.slice(0, end).split('\n');
  if (!SIGNATURES.includes(signature ?? '')) throw new BundleHeaderError('not a git bundle: unknown signature');
  // Latin1: one character per byte, so the index is the byte offset.
  const header: BundleHeader = { prerequisites: [], refs: [], packAt: end + 2 };
  for (const line of lines) {
    if (line.startsWith('@')) continue; // v3 capability
    const prerequisite = line.startsWith('-');
    const [oid = '', name = ''] = (prerequisite ? line.slice(1) : line).split(' ', 2);
    if (!OID.test(oid)) throw new BundleHeaderError(`not a git bundle: bad object id in "${line.slice(0, 80)}"`);
    if (prerequisite) header.prerequisites.push(oid);
    else if (name === '') throw new BundleHeaderError(`not a git bundle: ref without a name for ${oid}`);
    else if (!REF_NAME.test(name)) throw new BundleHeaderError(`not a git bundle: bad ref name "${name.slice(0, 80)}"`);
    else header.refs.push({ oid, name });
  }
  return header;
}
