/**
 * One result merged onto a commit in git's object store alone (`merge-tree`, then `commit-tree`):
 * no index, no worktree, no merge state to abort on a conflict. The integrator chains these and
 * checks the branch out once at the end.
 */
import { git, gitOut } from '../../shared/node/git.js';
import { lastLines } from '../../shared/lines.js';

export type MergedCommit = { head: string } | { conflicts: string[]; message: string };

/** The object id that starts a successful `merge-tree --write-tree` answer. */
const TREE_LINE = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Merges `ref` onto `onto` in `dir`'s repository. `result` is the commit `ref` holds and the
 * base it was made on: made on `onto` itself, it is the new head as it is (a fast-forward).
 */
export async function mergeCommit(dir: string, onto: string, ref: string, message: string, result?: { commit: string; base: string }): Promise<MergedCommit> {
  // Made on `onto`, unless the result does not descend from the base it names after all.
  if (result?.base === onto && (await git(['merge-base', '--is-ancestor', onto, result.commit], { cwd: dir, allowFail: true })).code === 0) {
    return { head: result.commit };
  }
  const r = await git(['merge-tree', '--write-tree', '--name-only', onto, ref], { cwd: dir, allowFail: true });
  // A clean merge prints its tree; a conflicted one (exit 1) the tree, the conflicting files, a blank line, then git's messages.
  const [tree = '', ...rest] = r.stdout.split('\n');
  // Not a merge at all (e.g. an object missing): no files to name, and git's own words.
  if (!TREE_LINE.test(tree)) return { conflicts: [], message: `git merge-tree failed (exit ${r.code}): ${lastLines(r.stderr)}` };
  if (r.code !== 0) {
    const blank = rest.indexOf('');
    return { conflicts: rest.slice(0, blank === -1 ? rest.length : blank), message: lastLines(rest.slice(blank + 1).join('\n')) };
  }
  return { head: await gitOut(['commit-tree', tree, '-p', onto, '-p', ref, '-m', message], { cwd: dir }) };
}
