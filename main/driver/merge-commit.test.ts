import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from '../../shared/node/git.js';
import { mergeCommit, mergeInWorktree } from './merge-commit.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

/** A repo whose `main` has notes.txt, and branches a (new file), b and c (each editing line two). */
async function repo(): Promise<{ dir: string; base: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-merge-'));
  made.push(dir);
  await git(['init', '--quiet', '-b', 'main', dir], { cwd: tmpdir() });
  await writeFile(join(dir, 'notes.txt'), 'one\ntwo\nthree\n');
  await git(['add', '--all'], { cwd: dir });
  await git(['commit', '--quiet', '-m', 'base'], { cwd: dir });
  const base = await gitOut(['rev-parse', 'HEAD'], { cwd: dir });
  for (const [branch, file, text] of [['a', 'a.txt', 'a\n'], ['b', 'notes.txt', 'one\nTWO by b\nthree\n'], ['c', 'notes.txt', 'one\nTWO by c\nthree\n']] as const) {
    await git(['checkout', '--quiet', '-b', branch, base], { cwd: dir });
    await writeFile(join(dir, file), text);
    await git(['add', '--all'], { cwd: dir });
    await git(['commit', '--quiet', '-m', branch], { cwd: dir });
  }
  await git(['checkout', '--quiet', '--detach', base], { cwd: dir });
  return { dir, base };
}

test('in the object store and in a worktree, the same merges give the same trees and the same conflicts', async () => {
  const { dir, base } = await repo();
  const inStore = await mergeCommit(dir, base, 'a', 'Merge a');
  assert.ok('head' in inStore);
  const storeB = await mergeCommit(dir, inStore.head, 'b', 'Merge b');
  assert.ok('head' in storeB);
  const storeC = await mergeCommit(dir, storeB.head, 'c', 'Merge c');

  const inTree = await mergeInWorktree(dir, 'a', 'Merge a');
  assert.ok('head' in inTree);
  const treeB = await mergeInWorktree(dir, 'b', 'Merge b');
  assert.ok('head' in treeB);
  const treeC = await mergeInWorktree(dir, 'c', 'Merge c');

  const treeOf = (c: string): Promise<string> => gitOut(['rev-parse', `${c}^{tree}`], { cwd: dir });
  assert.equal(await treeOf(storeB.head), await treeOf(treeB.head));
  assert.equal(await gitOut(['show', `${storeB.head}:a.txt`], { cwd: dir }), 'a');
  assert.deepEqual(storeC, { conflicts: ['notes.txt'], message: 'Auto-merging notes.txt / CONFLICT (content): Merge conflict in notes.txt' });
  assert.ok('conflicts' in treeC);
  assert.deepEqual(treeC.conflicts, ['notes.txt']);
  // The aborted merge left the worktree as it was: at b's merge, nothing half-merged.
  assert.equal(await gitOut(['rev-parse', 'HEAD'], { cwd: dir }), treeB.head);
  assert.equal(await gitOut(['status', '--porcelain'], { cwd: dir }), '');
});

test('a ref that is not a commit is a failed merge with git\'s words, not a crash', async () => {
  const { dir, base } = await repo();
  const r = await mergeCommit(dir, base, 'refs/heads/no-such-branch', 'Merge');
  assert.ok('conflicts' in r);
  assert.deepEqual(r.conflicts, []);
  assert.match(r.message, /merge-tree failed/);
});
