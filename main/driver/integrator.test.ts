import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from '../../shared/node/git.js';
import { Integrator, type MergeOutcome } from './integrator.js';
import { UserRepo } from './user-repo.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

/** A repo with one commit, and an integrator for run `r1` on it. */
async function setup(): Promise<{ repo: string; base: string; integrator: Integrator }> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-integrator-'));
  made.push(dir);
  const repo = join(dir, 'repo');
  await git(['init', '--quiet', '-b', 'main', repo], { cwd: dir });
  await writeFile(join(repo, 'notes.txt'), 'one\ntwo\nthree\n');
  await git(['add', '--all'], { cwd: repo });
  await git(['commit', '--quiet', '-m', 'base'], { cwd: repo });
  const base = await gitOut(['rev-parse', 'HEAD'], { cwd: repo });
  const integrator = await Integrator.create(await UserRepo.open(repo), 'r1', base, join(dir, 'integration'));
  return { repo, base, integrator };
}

/** A task's result: `files` written on `from`, committed, held by refs/results/<name>. */
async function result(repo: string, from: string, name: string, files: Record<string, string>): Promise<{ ref: string; commit: string; base: string }> {
  await git(['checkout', '--quiet', '--detach', from], { cwd: repo });
  for (const [path, text] of Object.entries(files)) await writeFile(join(repo, path), text);
  await git(['add', '--all'], { cwd: repo });
  await git(['commit', '--quiet', '-m', `task ${name}`], { cwd: repo });
  const commit = await gitOut(['rev-parse', 'HEAD'], { cwd: repo });
  await git(['update-ref', `refs/results/${name}`, commit], { cwd: repo });
  return { ref: `refs/results/${name}`, commit, base: from };
}

test('results that arrive together merge together: one head holding them all, on the branch (no checkout without a verify)', async () => {
  const { repo, base, integrator } = await setup();
  const rs = [];
  for (const n of ['a', 'b', 'c']) rs.push(await result(repo, base, n, { [`${n}.txt`]: n }));
  const outcomes = await Promise.all(rs.map((r, i) => integrator.merge(r.ref, `Merge task ${i}`)));
  const heads = new Set(outcomes.map((o) => (o.ok ? o.head : 'failed')));
  assert.deepEqual([...heads], [integrator.head]);
  for (const n of ['a', 'b', 'c']) {
    assert.equal(await gitOut(['show', `${integrator.head}:${n}.txt`], { cwd: repo }), n);
    // Nothing reads the integration checkout when there is no verify: it is not written.
    assert.equal(existsSync(join(integrator.dir, `${n}.txt`)), false);
  }
  // The branch follows the merges off their path: there once they are settled.
  await integrator.settled();
  assert.equal(await gitOut(['rev-parse', `refs/heads/${integrator.branch}`], { cwd: repo }), integrator.head);
  await integrator.close();
});

test('a run branch moved by someone else mid-run is left as it is: the merges after fail, and so does closing, saying why', async () => {
  const { repo, base, integrator } = await setup();
  const a = await result(repo, base, 'a', { 'a.txt': 'a' });
  assert.equal((await integrator.merge(a.ref, 'Merge task a')).ok, true);
  await integrator.settled();
  const theirs = await result(repo, base, 'theirs', { 'theirs.txt': 'x' });
  await git(['update-ref', `refs/heads/${integrator.branch}`, theirs.commit], { cwd: repo });
  const b = await result(repo, base, 'b', { 'b.txt': 'b' });
  // Merged in the store, but the branch is not where the run left it: it stays at their commit.
  assert.equal((await integrator.merge(b.ref, 'Merge task b')).ok, true);
  await assert.rejects(integrator.settled(), new RegExp(`${integrator.branch} was not moved to the run's merges`));
  const c = await result(repo, base, 'c', { 'c.txt': 'c' });
  await assert.rejects(integrator.merge(c.ref, 'Merge task c'), /update-ref/);
  assert.equal(await gitOut(['rev-parse', `refs/heads/${integrator.branch}`], { cwd: repo }), theirs.commit);
  await assert.rejects(integrator.close(), /was not moved/);
  assert.equal(existsSync(integrator.dir), false, 'the worktree is removed all the same');
});

test('a result made on the head fast-forwards the branch to itself', async () => {
  const { repo, base, integrator } = await setup();
  const r = await result(repo, base, 'a', { 'a.txt': 'a' });
  assert.deepEqual(await integrator.merge(r.ref, 'Merge task a', undefined, r), { ok: true, head: r.commit });
  // A result that names the head as its base but was not made on it is merged, not taken as it is.
  const other = await result(repo, base, 'b', { 'b.txt': 'b' });
  const merged = await integrator.merge(other.ref, 'Merge task b', undefined, { commit: other.commit, base: r.commit });
  assert.ok(merged.ok && merged.head !== other.commit);
  assert.equal(await gitOut(['rev-list', '--count', '--merges', integrator.head], { cwd: repo }), '1');
  await integrator.close();
});

test('a conflict among results merged together is reported alone, once the others are merged', async () => {
  const { repo, base, integrator } = await setup();
  const a = await result(repo, base, 'a', { 'notes.txt': 'one\nTWO by a\nthree\n' });
  const b = await result(repo, base, 'b', { 'notes.txt': 'one\nTWO by b\nthree\n' });
  const c = await result(repo, base, 'c', { 'c.txt': 'c' });
  let headWhenConflictKnown = '';
  const outcomes = await Promise.all([a, b, c].map((r) => integrator.merge(r.ref, `Merge ${r.ref}`).then((o) => {
    if (!o.ok && 'conflicts' in o) headWhenConflictKnown = integrator.head;
    return o;
  })));
  assert.equal(outcomes[0]!.ok, true);
  assert.deepEqual(outcomes[1], { ok: false, conflicts: ['notes.txt'], message: 'Auto-merging notes.txt / CONFLICT (content): Merge conflict in notes.txt' });
  assert.equal(outcomes[2]!.ok, true);
  assert.equal(headWhenConflictKnown, integrator.head, 'the conflict is answered once the head has moved');
  assert.equal(await gitOut(['show', `${integrator.head}:notes.txt`], { cwd: repo }), 'one\nTWO by a\nthree');
  await integrator.settled();
  assert.equal(await gitOut(['rev-parse', `refs/heads/${integrator.branch}`], { cwd: repo }), integrator.head);
  assert.notEqual((await git(['rev-parse', '--quiet', '--verify', 'MERGE_HEAD'], { cwd: integrator.dir, allowFail: true })).code, 0, 'nothing left half-merged');
  await integrator.close();
});

test('a verify failing on results merged together finds the one that broke it; the others stay merged', async () => {
  const { repo, base, integrator } = await setup();
  const verify = { command: 'test ! -e broken.txt' };
  const rs = [
    await result(repo, base, 'a', { 'a.txt': 'a' }),
    await result(repo, base, 'bad', { 'broken.txt': 'x' }),
    await result(repo, base, 'c', { 'c.txt': 'c' }),
  ];
  const outcomes: MergeOutcome[] = await Promise.all(rs.map((r) => integrator.merge(r.ref, `Merge ${r.ref}`, verify)));
  assert.deepEqual(outcomes.map((o) => (o.ok ? 'merged' : 'verifyFailed' in o ? 'verify failed' : 'conflict')), ['merged', 'verify failed', 'merged']);
  assert.equal(existsSync(join(integrator.dir, 'broken.txt')), false);
  for (const f of ['a.txt', 'c.txt']) assert.equal(existsSync(join(integrator.dir, f)), true);
  assert.equal(await gitOut(['rev-parse', 'HEAD'], { cwd: integrator.dir }), integrator.head);
  await integrator.close();
});

test('reopened, a branch behind the recorded head (its last move cut short) is caught up, not a merge undone; one past it is', async () => {
  const { repo, base, integrator } = await setup();
  const a = await result(repo, base, 'a', { 'a.txt': 'a' });
  const b = await result(repo, base, 'b', { 'b.txt': 'b' });
  assert.equal((await integrator.merge(a.ref, 'Merge task a')).ok, true);
  const afterA = integrator.head;
  assert.equal((await integrator.merge(b.ref, 'Merge task b')).ok, true);
  const recorded = integrator.head;
  await integrator.close();
  const userRepo = await UserRepo.open(repo);
  const branchAt = (): Promise<string> => gitOut(['rev-parse', `refs/heads/${integrator.branch}`], { cwd: repo });

  await git(['update-ref', `refs/heads/${integrator.branch}`, afterA], { cwd: repo });
  const behind = await Integrator.reopen(userRepo, integrator.branch, recorded, integrator.dir);
  assert.equal(behind.undone, undefined);
  assert.equal(await branchAt(), recorded);
  await behind.close();

  const past = await result(repo, recorded, 'past', { 'past.txt': 'x' });
  await git(['update-ref', `refs/heads/${integrator.branch}`, past.commit], { cwd: repo });
  const ahead = await Integrator.reopen(userRepo, integrator.branch, recorded, integrator.dir);
  assert.equal(ahead.undone, past.commit);
  assert.equal(await branchAt(), recorded);
  await ahead.close();
});
