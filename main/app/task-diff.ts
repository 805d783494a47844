/**
 * What a task's result changed: `git diff` of its commit against the commit it started from, in
 * the user's repository (results are fetched there under refs/claudecluster/, and merged ones
 * stay reachable from the run's branch). Per file: the kind of change, the unified patch, and
 * both whole sides for a side-by-side view, each capped.
 */
import type { FileDiff } from '../../shared/bridge/views.js';
import { git } from '../../shared/node/git.js';

/** Most files listed for one task; a result touching more is shown in part. */
export const MAX_DIFF_FILES = 300;
/** Longest patch shown for one file, in characters; a longer one is cut with a note. */
export const MAX_PATCH_CHARS = 512 * 1024;
/** Largest side (before or after) sent whole, in bytes; larger files get no side-by-side view. */
export const MAX_SIDE_BYTES = 512 * 1024;

const CHANGE: Record<string, FileDiff['change']> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', T: 'modified', C: 'added' };
const NUMSTAT = /^(\d+|-)\t(\d+|-)\t(.*)$/s;

interface Entry {
  change: FileDiff['change'];
  path: string;
  oldPath?: string;
}

/** The files `commit` changed relative to `base`; none when the repository lacks either. */
export async function taskDiff(repoRoot: string, base: string, commit: string): Promise<FileDiff[]> {
  const has = async (rev: string): Promise<boolean> => (await git(['cat-file', '-e', `${rev}^{commit}`], { cwd: repoRoot, allowFail: true })).code === 0;
  if (!(await has(base)) || !(await has(commit))) return [];
  const entries = parseNameStatus((await git(['diff', '--name-status', '-z', '-M', base, commit], { cwd: repoRoot })).stdout);
  const binary = parseBinary((await git(['diff', '--numstat', '-z', '-M', base, commit], { cwd: repoRoot })).stdout);
  const files: FileDiff[] = [];
  for (const e of entries.slice(0, MAX_DIFF_FILES)) {
    const isBinary = binary.has(e.path);
    const paths = e.oldPath ? [e.oldPath, e.path] : [e.path];
    const patch = (await git(['diff', '-M', base, commit, '--', ...paths], { cwd: repoRoot })).stdout;
    const before = e.change === 'added' || isBinary ? undefined : await side(repoRoot, base, e.oldPath ?? e.path);
    const after = e.change === 'deleted' || isBinary ? undefined : await side(repoRoot, commit, e.path);
    files.push({
      path: e.path, ...(e.oldPath ? { oldPath: e.oldPath } : {}), change: e.change, binary: isBinary,
      patch: patch.length > MAX_PATCH_CHARS ? `${patch.slice(0, MAX_PATCH_CHARS)}\n… (the patch is longer; cut at ${MAX_PATCH_CHARS} characters)\n` : patch,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    });
  }
  return files;
}

/** A file's whole text at `rev`, or undefined when it is too large (or unreadable). */
async function side(repoRoot: string, rev: string, path: string): Promise<string | undefined> {
  const spec = `${rev}:${path}`;
  const size = await git(['cat-file', '-s', spec], { cwd: repoRoot, allowFail: true });
  if (size.code !== 0 || Number(size.stdout.trim()) > MAX_SIDE_BYTES) return undefined;
  const blob = await git(['cat-file', 'blob', spec], { cwd: repoRoot, allowFail: true });
  return blob.code === 0 ? blob.stdout : undefined;
}

/** `git diff --name-status -z`: a status, then one path (two for renames and copies). */
export function parseNameStatus(out: string): Entry[] {
  const tokens = out.split('\0');
  const entries: Entry[] = [];
  for (let i = 0; i + 1 < tokens.length;) {
    const status = tokens[i++]!;
    const kind = status[0] ?? '';
    const change = CHANGE[kind] ?? 'modified';
    if (kind === 'R' || kind === 'C') {
      const from = tokens[i++]!;
      const to = tokens[i++]!;
      entries.push(kind === 'R' ? { change, path: to, oldPath: from } : { change, path: to });
    } else {
      entries.push({ change, path: tokens[i++]! });
    }
  }
  return entries;
}

/** `git diff --numstat -z`: the (new) paths of binary files, whose counts are `-`. */
export function parseBinary(out: string): Set<string> {
  const tokens = out.split('\0');
  const binary = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const m = NUMSTAT.exec(tokens[i]!);
    if (!m) continue;
    // A rename leaves the path empty and gives old and new paths as the next two tokens.
    const path = m[3] === '' ? tokens[(i += 2)] : m[3];
    if (m[1] === '-' && path !== undefined) binary.add(path);
  }
  return binary;
}
