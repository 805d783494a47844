/**
 * Writes a git bundle with one `git pack-objects`: the header `git bundle create` would write,
 * then the same pack. `git bundle create` takes the commits to carry by ref name only, so
 * bundling a commit no ref names cost a ref written first (and removed later) and two more git
 * processes; here the header names the commit itself and the repo is not written to.
 */
import { open, writeFile } from 'node:fs/promises';
import { git } from './git.js';
import { lastLines } from '../lines.js';

/** The ref name the header gives the commit: the receiver fetches it by this name (see bundle-header.ts). */
export const BUNDLE_REF = 'refs/claudecluster/commit';
/** A SHA-256 object id's length in hex; a repo with those needs a v3 bundle that says so. */
const SHA256_HEX = 64;
/** Where a pack keeps its object count: after "PACK" and the version, 4 bytes big-endian. */
const PACK_COUNT_AT = 8;

/**
 * Writes to `out` a bundle of `commit` in the repo at `cwd`, carrying every object it needs
 * that the `prerequisites` (commits the receiver has) lack. Returns false when they already
 * hold everything: the bundle at `out` is then empty, and there is nothing to send.
 */
export async function packBundle(cwd: string, commit: string, prerequisites: readonly string[], out: string): Promise<boolean> {
  const signature = commit.length === SHA256_HEX ? '# v3 git bundle\n@object-format=sha256\n' : '# v2 git bundle\n';
  const header = `${signature}${prerequisites.map((p) => `-${p}\n`).join('')}${commit} ${BUNDLE_REF}\n\n`;
  await writeFile(out, header, { mode: 0o600 });
  const revs = [commit, ...prerequisites.map((p) => `^${p}`)].join('\n') + '\n';
  // The options `git bundle create` passes: a thin pack, its deltas on the prerequisites' objects.
  const r = await git(['pack-objects', '--revs', '--thin', '--stdout', '--delta-base-offset', '-q'], { cwd, input: revs, stdoutFile: out, allowFail: true });
  if (r.code !== 0) throw new Error(`git pack-objects failed: ${lastLines(r.stderr) || `exit ${r.code}`}`);
  return (await packObjectCount(out, Buffer.byteLength(header, 'latin1'))) > 0;
}

async function packObjectCount(file: string, packAt: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const bytes = Buffer.alloc(4);
    const { bytesRead } = await handle.read(bytes, 0, 4, packAt + PACK_COUNT_AT);
    if (bytesRead !== 4) throw new Error('git pack-objects wrote no pack');
    return bytes.readUInt32BE(0);
  } finally {
    await handle.close();
  }
}
