import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from '../../shared/node/git.js';
import { ObjectStore, commitTimeNow, type CommitTime } from './commit-object.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-object-'));
  made.push(dir);
  return dir;
}

/** A repo with two commits on two branches: the parents of the merges below. */
async function repo(): Promise<{ dir: string; a: string; b: string; tree: string }> {
  const dir = await tempDir();
  await git(['init', '--quiet', '-b', 'main', dir], { cwd: tmpdir() });
  const commit = async (file: string): Promise<string> => {
    await writeFile(join(dir, file), `${file}\n`);
    await git(['add', '--all'], { cwd: dir });
    await git(['commit', '--quiet', '-m', file], { cwd: dir });
    return gitOut(['rev-parse', 'HEAD'], { cwd: dir });
  };
  const a = await commit('a.txt');
  const b = await commit('b.txt');
  return { dir, a, b, tree: await gitOut(['rev-parse', `${b}^{tree}`], { cwd: dir }) };
}

/** What `git commit-tree -m` makes of the same commit at the same time. */
function commitTree(dir: string, tree: string, parents: string[], message: string, when: CommitTime): Promise<string> {
  const sign = when.offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(when.offsetMinutes);
  const date = `${when.seconds} ${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return gitOut(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message], { cwd: dir, env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
}

test('a commit written to the store is the very commit git commit-tree makes, and git reads it', async () => {
  const { dir, a, b, tree } = await repo();
  const store = await ObjectStore.open(dir);
  assert.ok(store, 'a SHA-1 repository has a store');
  const cases: Array<[string[], string, CommitTime]> = [
    [[a, b], 'Merge task t1: a title', { seconds: 1_780_000_000, offsetMinutes: 0 }],
    [[a, b], 'Merge task t2: ünïcode — and more\n\nA second paragraph.\n', { seconds: 1_780_000_123, offsetMinutes: 330 }],
    [[b], 'One parent', { seconds: 1_780_000_456, offsetMinutes: -300 }],
  ];
  for (const [parents, message, when] of cases) {
    const id = await store.commit(tree, parents, message, when);
    assert.equal(id, await commitTree(dir, tree, parents, message, when), message);
    assert.equal(await gitOut(['cat-file', '-t', id], { cwd: dir }), 'commit');
    assert.equal(await store.commit(tree, parents, message, when), id, 'written again: the same id, no error');
  }
  const fsck = await git(['fsck', '--strict', '--no-dangling'], { cwd: dir, allowFail: true });
  assert.equal(fsck.code, 0, fsck.stderr);
});

test('a linked worktree writes into its repository\'s store; a stamp of now is this machine\'s time', async () => {
  const { dir, a, b, tree } = await repo();
  const wt = join(await tempDir(), 'wt');
  await git(['worktree', 'add', '--quiet', '--detach', wt, b], { cwd: dir });
  const store = await ObjectStore.open(wt);
  assert.ok(store);
  const before = Math.floor(Date.now() / 1000);
  const id = await store.commit(tree, [a, b], 'Merge');
  assert.equal((await git(['cat-file', '-e', id], { cwd: dir, allowFail: true })).code, 0, 'the main repository has it');
  const stamp = (await gitOut(['log', '-1', '--format=%at %ct', id], { cwd: dir })).split(' ').map(Number);
  for (const s of stamp) assert.ok(s >= before && s <= Math.floor(Date.now() / 1000), `${s} is now`);
  assert.equal(commitTimeNow(new Date(Date.UTC(2026, 0, 1))).seconds, Date.UTC(2026, 0, 1) / 1000);
});

test('a SHA-256 repository has no store here (commit-tree is used), and bad ids are refused', async () => {
  const dir = await tempDir();
  await git(['init', '--quiet', '--object-format=sha256', dir], { cwd: tmpdir() });
  assert.equal(await ObjectStore.open(dir), undefined);
  const { dir: sha1, tree } = await repo();
  const store = (await ObjectStore.open(sha1))!;
  await assert.rejects(store.commit(tree, ['main'], 'Merge'), /not an object id: main/);
});
