/**
 * repo.apply takes only a real bundle that carries the commit it names, on top of objects the
 * cache has: anything else is refused with the reason, and the cache is left as it was. History
 * git's fsck only warns about (as old repositories have) is taken, uploaded or inline. An apply
 * under way holds up only what needs its commit.
 */
import { test, after } from 'node:test';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { Scope, git } from '../harness.js';
import { directAgent, type DirectAgent } from '../direct-agent.js';
import { putBlob } from '../../main/driver/blob-client.js';
import { sha256File } from '../../shared/node/hash.js';

const scope = new Scope();
const closers: DirectAgent[] = [];
after(async () => {
  for (const d of closers) await d.close();
  await scope.cleanup();
});

/** Has the agent apply the bundle in `file`, uploaded first, or `inline` in the request as small ones go. */
async function apply(d: DirectAgent, file: string, commit: string, how: 'uploaded' | 'inline' = 'uploaded'): Promise<unknown> {
  const sha256 = await sha256File(file);
  if (how === 'inline') return d.client.rpc.request('repo.apply', { repoId: d.repo.repoId, blob: sha256, commit, inline: (await readFile(file)).toString('base64') });
  await putBlob(d.client, file, sha256, (await stat(file)).size);
  return d.client.rpc.request('repo.apply', { repoId: d.repo.repoId, blob: sha256, commit });
}

/** Commits file `name` with `content` in `repo`; returns the commit. */
async function commitFile(repo: string, name: string, content: string | Uint8Array): Promise<string> {
  await writeFile(join(repo, name), content);
  git(repo, 'add', name);
  git(repo, 'commit', '-qm', name);
  return git(repo, 'rev-parse', 'HEAD');
}

/** A bundle file in `dir` of `commit`, on top of `since`. */
function bundleOf(repo: string, dir: string, commit: string, since: string): string {
  const file = join(dir, `${commit}.bundle`);
  git(repo, 'update-ref', `refs/test/${commit}`, commit);
  git(repo, 'bundle', 'create', '-q', file, `refs/test/${commit}`, `^${since}`);
  return file;
}

test('repo.apply refuses a non-bundle, a bundle without the commit, and one whose prerequisites are missing', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const repo = d.repo.root;
  const cacheRefs = (): string => git(join(d.agentDir, 'repos', `${d.repo.repoId}.git`), 'for-each-ref');

  // Two commits the agent does not have: c1 on top of its base, c2 on top of c1.
  const c1 = await commitFile(repo, 'one.txt', '1\n');
  const c2 = await commitFile(repo, 'two.txt', '2\n');
  const refsBefore = cacheRefs();

  const junk = join(tmp, 'junk.bundle');
  await writeFile(junk, 'not a bundle at all\n');
  await assert.rejects(apply(d, junk, c1), /bundle rejected: not a git bundle/);

  const onlyC1 = bundleOf(repo, tmp, c1, d.base);
  await assert.rejects(apply(d, onlyC1, c2), /does not contain commit/);

  const needsC1 = bundleOf(repo, tmp, c2, c1);
  await assert.rejects(apply(d, needsC1, c2), /bundle rejected: .*prerequisite/i);
  assert.equal(cacheRefs(), refsBefore, 'nothing was kept from the refused bundles');

  // The positive control: c1, then c2 on top of it.
  await apply(d, onlyC1, c1);
  await apply(d, needsC1, c2);
  // Listed once its ref is written, which comes after the answer.
  const { tips } = await d.client.rpc.request('repo.tips', { repoId: d.repo.repoId });
  assert.ok(tips.includes(c2), `the agent lists c2 (tips: ${tips.join(', ')})`);
  assert.match(cacheRefs(), new RegExp(`${c2}.*refs/cc/have/${c2}`));
});

test('repo.apply takes history git fsck only warns about, as `git fetch` does', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const repo = d.repo.root;
  // A tree with a zero-padded file mode, as some old git versions wrote them: a warning to fsck.
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, input: 'old\n' }).toString().trim();
  const entry = Buffer.concat([Buffer.from('0100644 old.txt\0'), Buffer.from(blob, 'hex')]);
  const tree = execFileSync('git', ['hash-object', '-w', '-t', 'tree', '--literally', '--stdin'], { cwd: repo, input: entry }).toString().trim();
  for (const how of ['uploaded', 'inline'] as const) {
    const old = git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit-tree', tree, '-p', d.base, '-m', `old history, ${how}`);
    git(repo, 'update-ref', `refs/test/${how}`, old);
    const file = join(tmp, `${how}.bundle`);
    git(repo, 'bundle', 'create', '-q', file, `refs/test/${how}`, `^${d.base}`);
    // What the agent tries first refuses it.
    const bytes = await readFile(file);
    const strict = spawnSync('git', ['index-pack', '--stdin', '--fix-thin', '--strict'], { cwd: repo, input: bytes.subarray(bytes.indexOf('\n\n') + 2), encoding: 'utf8' });
    assert.notEqual(strict.status, 0);
    assert.match(strict.stderr, /zeroPaddedFilemode/);

    await apply(d, file, old, how);
    const { tips } = await d.client.rpc.request('repo.tips', { repoId: d.repo.repoId });
    assert.ok(tips.includes(old), `${how}, the agent has it (tips: ${tips.join(', ')})`);
  }
  const cache = join(d.agentDir, 'repos', `${d.repo.repoId}.git`);
  assert.deepEqual((await readdir(cache)).filter((f) => f.endsWith('.bundle')), [], 'the file an inline bundle was fetched from is gone');
});

test('an apply under way does not hold up the driver\'s next request: a start that does not need its commit is answered first', { timeout: 60_000 }, async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  // A blob that is a FIFO: the apply reading it waits until the test writes to it.
  const blob = 'f'.repeat(64);
  const fifo = join(d.agentDir, 'blobs', blob);
  execFileSync('mkfifo', [fifo]);
  let applyEnded = false;
  const applying = d.client.rpc.request('repo.apply', { repoId: d.repo.repoId, blob, commit: 'a'.repeat(40) }).finally(() => { applyEnded = true; });
  applying.catch(() => undefined);

  await d.start('t1', '!write a.txt a', { mode: 'headless' });
  assert.equal(applyEnded, false, 'the start was answered while the apply still waited');
  // The agent reads it with a seek, which a FIFO refuses: it may drop its end before these bytes go in.
  await writeFile(fifo, 'not a bundle\n').catch((err: NodeJS.ErrnoException) => { if (err.code !== 'EPIPE') throw err; });
  await assert.rejects(applying, /bundle rejected/);
});

for (const [built, prerequisite] of [['on the commit it brings', 'c1b'], ['inside it', 'c1']] as const) {
  test(`a bundle built on a commit an earlier bundle still being applied brings (${built}) waits for it, and both are taken`, async () => {
    const tmp = await scope.tmp();
    const d = await directAgent(scope, tmp);
    closers.push(d);
    const repo = d.repo.root;
    // The first bundle brings c1, with a large file so that applying it takes a while, and c1b on
    // it; the second, small, brings c2 on top of c1b, built on c1b or on c1.
    const commits = { c1: await commitFile(repo, 'big.bin', randomBytes(24 * 1024 * 1024)), c1b: await commitFile(repo, 'b.txt', 'b\n') };
    const c2 = await commitFile(repo, 'small.txt', 'small\n');
    const big = bundleOf(repo, tmp, commits.c1b, d.base);
    const small = bundleOf(repo, tmp, c2, commits[prerequisite]);
    const sha = await sha256File(big);
    await putBlob(d.client, big, sha, (await stat(big)).size);

    // Sent back to back, as a driver bringing a chain of results does.
    const first = d.client.rpc.request('repo.apply', { repoId: d.repo.repoId, blob: sha, commit: commits.c1b });
    const second = apply(d, small, c2, 'inline');
    await Promise.all([first, second]);
    const { tips } = await d.client.rpc.request('repo.tips', { repoId: d.repo.repoId });
    assert.ok(tips.includes(c2), `the agent has c2 (tips: ${tips.join(', ')})`);
  });
}
