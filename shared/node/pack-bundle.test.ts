import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from './git.js';
import { readBundleHeader } from './bundle-header.js';
import { BUNDLE_REF, packBundle } from './pack-bundle.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

/** A repo (of `format` object ids) with three commits, each adding a file; their ids, oldest first. */
async function history(format: 'sha1' | 'sha256' = 'sha1'): Promise<{ dir: string; commits: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-pack-bundle-'));
  made.push(dir);
  await git(['init', '--quiet', '-b', 'main', `--object-format=${format}`, dir], { cwd: tmpdir() });
  const commits: string[] = [];
  for (const n of [1, 2, 3]) {
    await writeFile(join(dir, `f${n}.txt`), `${n}\n`.repeat(50));
    await git(['add', '--all'], { cwd: dir });
    await git(['commit', '--quiet', '-m', `c${n}`], { cwd: dir });
    commits.push(await gitOut(['rev-parse', 'HEAD'], { cwd: dir }));
  }
  return { dir, commits };
}

/** A repo holding `dir`'s history up to `at` only: the receiving end of a bundle. */
async function receiver(dir: string, at: string): Promise<string> {
  const to = join(dir, '..', `${made.length}-receiver`);
  made.push(to);
  const format = await gitOut(['rev-parse', '--show-object-format'], { cwd: dir });
  await git(['init', '--quiet', `--object-format=${format}`, to], { cwd: tmpdir() });
  await git(['update-ref', 'refs/keep/at', at], { cwd: dir });
  await git(['fetch', '--quiet', dir, 'refs/keep/at:refs/heads/main'], { cwd: to });
  return to;
}

/** The pack part of a bundle file: everything after its header's blank line. */
async function packOf(file: string): Promise<Buffer> {
  const bytes = await readFile(file);
  return bytes.subarray(bytes.indexOf('\n\n') + 2);
}

test('carries what the prerequisites lack, in the pack git bundle create writes, and git fetches it', async () => {
  const { dir, commits: [c1, c2, c3] } = await history();
  const out = join(dir, 'ours.bundle');
  assert.equal(await packBundle(dir, c3!, [c1!], out), true);
  const header = await readBundleHeader({ file: out });
  assert.deepEqual([header.prerequisites, header.refs], [[c1], [{ oid: c3, name: BUNDLE_REF }]]);

  await git(['bundle', 'create', '--quiet', join(dir, 'git.bundle'), 'main', `^${c1}`], { cwd: dir });
  assert.ok((await packOf(out)).equals(await packOf(join(dir, 'git.bundle'))), 'the same pack as git bundle create');

  const to = await receiver(dir, c1!);
  assert.notEqual((await git(['cat-file', '-e', `${c2}^{commit}`], { cwd: to, allowFail: true })).code, 0, 'the receiver lacks the later commits');
  await git(['bundle', 'verify', '--quiet', out], { cwd: to });
  await git(['fetch', '--quiet', out, `${BUNDLE_REF}:refs/heads/got`], { cwd: to });
  assert.equal(await gitOut(['rev-parse', 'refs/heads/got'], { cwd: to }), c3);
  await git(['fsck', '--strict', '--no-dangling'], { cwd: to });
});

test('a receiver lacking a prerequisite is refused by git, naming it', async () => {
  const { dir, commits: [c1, c2, c3] } = await history();
  const out = join(dir, 'ours.bundle');
  assert.equal(await packBundle(dir, c3!, [c2!], out), true);
  const to = await receiver(dir, c1!);
  const r = await git(['fetch', '--quiet', out, `${BUNDLE_REF}:refs/heads/got`], { cwd: to, allowFail: true });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, new RegExp(c2!));
});

test('says there is nothing to send when the prerequisites hold the commit already', async () => {
  const { dir, commits: [c1, , c3] } = await history();
  assert.equal(await packBundle(dir, c1!, [c3!], join(dir, 'none.bundle')), false);
  assert.equal(await packBundle(dir, c3!, [c3!], join(dir, 'same.bundle')), false);
});

test('without prerequisites the whole history goes, into an empty repo', async () => {
  const { dir, commits } = await history();
  const out = join(dir, 'all.bundle');
  assert.equal(await packBundle(dir, commits[2]!, [], out), true);
  const to = join(dir, '..', `${made.length}-empty`);
  made.push(to);
  await git(['init', '--quiet', to], { cwd: tmpdir() });
  await git(['fetch', '--quiet', out, `${BUNDLE_REF}:refs/heads/got`], { cwd: to });
  assert.equal(await gitOut(['rev-list', '--count', 'refs/heads/got'], { cwd: to }), '3');
});

test('a SHA-256 repo gets a v3 bundle that says so, which git fetches', async () => {
  const { dir, commits: [c1, , c3] } = await history('sha256');
  const out = join(dir, 'ours.bundle');
  assert.equal(await packBundle(dir, c3!, [c1!], out), true);
  assert.match((await readFile(out, 'latin1')).slice(0, 40), /^# v3 git bundle\n@object-format=sha256\n/);
  const to = await receiver(dir, c1!);
  await git(['fetch', '--quiet', out, `${BUNDLE_REF}:refs/heads/got`], { cwd: to });
  assert.equal(await gitOut(['rev-parse', 'refs/heads/got'], { cwd: to }), c3);
});

test('a commit the repo lacks is an error with git\'s reason', async () => {
  const { dir } = await history();
  await assert.rejects(packBundle(dir, 'e'.repeat(40), [], join(dir, 'bad.bundle')), /git pack-objects failed: .*bad/i);
});
