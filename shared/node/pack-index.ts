/**
 * Looks an object up in a pack's index (`.idx`, version 2, as every git since 1.5.2 writes it),
 * read straight from the file: whether a pack `git index-pack` just wrote holds a commit costs
 * no git process. Layout: a magic number and version, a fan-out table of 256 counts (objects
 * whose id's first byte is at most i), then every object id, sorted.
 */
import { readFile } from 'node:fs/promises';

const MAGIC = 0xff744f63;
const VERSION = 2;
const FANOUT_AT = 8;
const FANOUT_ENTRIES = 256;
const IDS_AT = FANOUT_AT + 4 * FANOUT_ENTRIES;

export class PackIndexError extends Error {
  override readonly name = 'PackIndexError';
}

/** Whether the pack index at `path` lists object `oid` (hex, SHA-1 or SHA-256). */
export async function packIndexHas(path: string, oid: string): Promise<boolean> {
  return indexHas(await readFile(path), Buffer.from(oid, 'hex'), path);
}

/** The lookup itself, on the index's bytes. */
export function indexHas(idx: Buffer, id: Buffer, name = 'pack index'): boolean {
  if (idx.length < IDS_AT || idx.readUInt32BE(0) !== MAGIC || idx.readUInt32BE(4) !== VERSION) throw new PackIndexError(`${name} is not a version 2 pack index`);
  const count = idx.readUInt32BE(IDS_AT - 4);
  if (idx.length < IDS_AT + count * id.length) throw new PackIndexError(`${name} is cut short`);
  const first = id[0]!;
  // Ids starting with a smaller byte come before: the fan-out gives where this byte's run starts and ends.
  let lo = first === 0 ? 0 : idx.readUInt32BE(FANOUT_AT + 4 * (first - 1));
  let hi = idx.readUInt32BE(FANOUT_AT + 4 * first);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = IDS_AT + mid * id.length;
    const order = id.compare(idx, at, at + id.length);
    if (order === 0) return true;
    if (order < 0) hi = mid;
    else lo = mid + 1;
  }
  return false;
}
