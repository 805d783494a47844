/**
 * Takes a bundle's pack into a repository with `git index-pack --stdin --fix-thin --strict`:
 * every object is checked (fsck), and everything each one names must be in the pack or the
 * repository, in one process where `git fetch` of the bundle takes three. The pack's own index
 * must then list the commit the bundle is for. Nothing refers to the objects afterwards: the
 * caller writes the ref that keeps them.
 */
import { join } from 'node:path';
import { git } from './git.js';
import { packIndexHas } from './pack-index.js';
import { lastLines } from '../lines.js';
import type { BundleSource } from './bundle-source.js';

/** What `git index-pack --stdin` prints: the name of the pack it wrote (`keep` when it also kept it). */
const PACK_WRITTEN = /^(?:pack|keep)\t([0-9a-f]+)$/m;

/** Indexes the pack of `bundle` (from byte `packAt`) into `packDir` of the repo at `cwd`; git's complaint when refused, else undefined. */
export async function indexBundlePack(cwd: string, packDir: string, bundle: BundleSource, packAt: number, commit: string): Promise<string | undefined> {
  const pack = 'bytes' in bundle ? { input: bundle.bytes.subarray(packAt) } : { stdinFile: { path: bundle.file, offset: packAt } };
  const r = await git(['index-pack', '--stdin', '--fix-thin', '--strict'], { cwd, ...pack, allowFail: true });
  if (r.code !== 0) return lastLines(r.stderr) || `git index-pack failed (exit ${r.code})`;
  const written = PACK_WRITTEN.exec(r.stdout)?.[1];
  if (!written || !(await packIndexHas(join(packDir, `pack-${written}.idx`), commit))) return `commit ${commit} is not in it`;
  return undefined;
}
