/**
 * One result merged onto a commit in git's object store alone (`merge-tree`, then the commit
 * written by ObjectStore): no index, no worktree, no merge state to abort on a conflict. The
 * integrator chains these and moves the branch once at the end. Git before 2.38 has no `merge-tree --write-tree`: there
 * the merge is made in the integration worktree, which is at `onto` whenever one is asked for.
 */
import { git, gitOut } from '../../shared/node/git.js';
import { lastLines } from '../../shared/lines.js';
import { ObjectStore, isObjectId } from './commit-object.js';

export type MergedCommit = { head: string } | { conflicts: string[]; message: string };

/** The object id that starts a successful `merge-tree --write-tree` answer. */
const TREE_LINE = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Merges `ref` onto `onto` in `dir`'s repository. `result` is the commit `ref` holds and the
 * base it was made on: made on `onto` itself, it is the new head as it is (a fast-forward).
 */
export async function mergeCommit(dir: string, onto: string, ref: string, message: string, result?: { commit: string; base: string }): Promise<MergedCommit> {
  // The result's own commit when known: its ref may not be written yet, and the merge's parent is then exactly what was merged.
  const theirs = result?.commit ?? ref;
  if (!(await hasWriteTree(dir))) return mergeInWorktree(dir, theirs, message);
  // Made on `onto`, unless the result does not descend from the base it names after all.
  if (result?.base === onto && (await git(['merge-base', '--is-ancestor', onto, result.commit], { cwd: dir, allowFail: true })).code === 0) {
    return { head: result.commit };
  }
  const r = await git(['merge-tree', '--write-tree', '--name-only', onto, theirs], { cwd: dir, allowFail: true });
  // A clean merge prints its tree; a conflicted one (exit 1) the tree, the conflicting files, a blank line, then git's messages.
  const [tree = '', ...rest] = r.stdout.split('\n');
  // Not a merge at all (e.g. an object missing): no files to name, and git's own words.
  if (!TREE_LINE.test(tree)) return { conflicts: [], message: `git merge-tree failed (exit ${r.code}): ${lastLines(r.stderr)}` };
  if (r.code !== 0) {
    const blank = rest.indexOf('');
    return { conflicts: rest.slice(0, blank === -1 ? rest.length : blank), message: lastLines(rest.slice(blank + 1).join('\n')) };
  }
  const store = isObjectId(onto) && isObjectId(theirs) ? await storeOf(dir) : undefined;
  if (store) return { head: await store.commit(tree, [onto, theirs], message) };
  return { head: await gitOut(['commit-tree', tree, '-p', onto, '-p', theirs, '-m', message], { cwd: dir }) };
}

const stores = new Map<string, Promise<ObjectStore | undefined>>();

/** The object store of the repository at `dir`, found once per directory. */
function storeOf(dir: string): Promise<ObjectStore | undefined> {
  let store = stores.get(dir);
  if (!store) {
    store = ObjectStore.open(dir);
    stores.set(dir, store);
  }
  return store;
}

/** `git merge` in the worktree `dir` (at the commit to merge onto): a conflict is aborted, its files named. */
export async function mergeInWorktree(dir: string, ref: string, message: string): Promise<MergedCommit> {
  const r = await git(['merge', '--no-edit', '-m', message, ref], { cwd: dir, allowFail: true });
  if (r.code === 0) return { head: await gitOut(['rev-parse', 'HEAD'], { cwd: dir }) };
  const conflicts = (await gitOut(['diff', '--name-only', '--diff-filter=U'], { cwd: dir })).split('\n').filter(Boolean);
  await git(['merge', '--abort'], { cwd: dir, allowFail: true });
  return { conflicts, message: lastLines(r.stdout + r.stderr) };
}

/** The first git with `merge-tree --write-tree`. */
const WRITE_TREE_SINCE = [2, 38] as const;
let writeTree: Promise<boolean> | undefined;

/** Whether this machine's git has `merge-tree --write-tree` (asked once): merges then need no worktree. */
export function hasWriteTree(dir: string): Promise<boolean> {
  writeTree ??= gitOut(['version'], { cwd: dir }).then((v) => {
    const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(v) ?? []).slice(1).map(Number);
    return major > WRITE_TREE_SINCE[0] || (major === WRITE_TREE_SINCE[0] && minor >= WRITE_TREE_SINCE[1]);
  });
  return writeTree;
}
