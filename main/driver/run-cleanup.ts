/**
 * What a run leaves behind, and taking it away. After a run, only the result branch should
 * remain in the user's repo: results that merged are on it, so their refs under
 * `refs/claudecluster/<run>/` go, and so do leftover sync refs and worktrees; the results of
 * tasks that did not merge stay on their refs until `claudecluster clean` (their work would
 * otherwise be lost). In the run's dir only the report and the run record stay.
 */
import { readdir, realpath, rm } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { git, gitOut } from '../../shared/node/git.js';
import { RESULT_REF_PREFIX } from '../../shared/constants.js';

/** Temporary refs that runs of earlier versions made to bundle a commit for an agent: a resumed or cleaned old run may still have them. */
const SYNC_REF = /^sync-[0-9a-f]{12}-/;

/** The refs of run `runId` in `repoRoot`: `refs/claudecluster/<run>/…`. */
export async function runRefs(repoRoot: string, runId: string, opts: { mergedInto?: string } = {}): Promise<string[]> {
  const merged = opts.mergedInto ? ['--merged', opts.mergedInto] : [];
  const r = await git(['for-each-ref', ...merged, '--format=%(refname)', `${RESULT_REF_PREFIX}${runId}/`], { cwd: repoRoot, allowFail: true });
  // A missing branch for --merged: nothing counts as merged.
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

export async function deleteRefs(repoRoot: string, refs: readonly string[]): Promise<void> {
  if (refs.length === 0) return;
  await git(['update-ref', '--stdin'], { cwd: repoRoot, input: refs.map((r) => `delete ${r}\n`).join('') });
}

/**
 * Right after a run: deletes its refs whose commits are on `branch` and any sync ref left over,
 * removes worktrees left under `runDir`, and every file in `runDir` but `keep`. Returns the refs
 * kept (results that did not merge).
 */
export async function tidyAfterRun(opts: { repoRoot: string; runId: string; branch: string; taskIds: readonly string[]; runDir: string; keep: readonly string[] }): Promise<{ keptRefs: string[] }> {
  const { repoRoot, runId, branch, runDir } = opts;
  const prefix = `${RESULT_REF_PREFIX}${runId}/`;
  const merged = new Set(await runRefs(repoRoot, runId, { mergedInto: `refs/heads/${branch}` }));
  const tasks = new Set(opts.taskIds);
  const all = await runRefs(repoRoot, runId);
  const isSync = (ref: string): boolean => { const name = ref.slice(prefix.length); return SYNC_REF.test(name) && !tasks.has(name); };
  const drop = all.filter((ref) => merged.has(ref) || isSync(ref));
  await deleteRefs(repoRoot, drop);
  await removeWorktreesUnder(repoRoot, runDir);
  await emptyDir(runDir, opts.keep);
  return { keptRefs: all.filter((ref) => !drop.includes(ref)) };
}

/** Removes every worktree of `repoRoot` that lies under `dir` (e.g. an integration worktree a crash left). */
export async function removeWorktreesUnder(repoRoot: string, dir: string): Promise<string[]> {
  const roots = new Set([dir, await realpath(dir).catch(() => dir)]);
  const list = await git(['worktree', 'list', '--porcelain'], { cwd: repoRoot, allowFail: true });
  const under = list.stdout.split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice('worktree '.length))
    .filter((p) => [...roots].some((r) => p === r || p.startsWith(r + sep)));
  for (const p of under) await git(['worktree', 'remove', '--force', p], { cwd: repoRoot, allowFail: true });
  // Also forgets worktrees whose directories are already gone.
  await git(['worktree', 'prune'], { cwd: repoRoot, allowFail: true });
  return under;
}

/** Branches checked out in any worktree of `repoRoot` (full ref names). */
export async function checkedOutBranches(repoRoot: string): Promise<Set<string>> {
  const list = await gitOut(['worktree', 'list', '--porcelain'], { cwd: repoRoot });
  return new Set(list.split('\n').filter((l) => l.startsWith('branch ')).map((l) => l.slice('branch '.length)));
}

export type BranchDeletion = { deleted: true } | { deleted: false; reason: string };

/** Deletes `branch` unless it is checked out somewhere; a branch already gone counts as deleted. */
export async function deleteBranch(repoRoot: string, branch: string): Promise<BranchDeletion> {
  const ref = `refs/heads/${branch}`;
  const exists = await git(['show-ref', '--verify', '--quiet', ref], { cwd: repoRoot, allowFail: true });
  if (exists.code !== 0) return { deleted: true };
  if ((await checkedOutBranches(repoRoot)).has(ref)) return { deleted: false, reason: `${branch} is checked out; switch away from it first` };
  const r = await git(['branch', '--quiet', '-D', branch], { cwd: repoRoot, allowFail: true });
  return r.code === 0 ? { deleted: true } : { deleted: false, reason: r.stderr.trim() || `git branch -D ${branch} failed` };
}

async function emptyDir(dir: string, keep: readonly string[]): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => !keep.includes(n)).map((n) => rm(join(dir, n), { recursive: true, force: true })));
}
