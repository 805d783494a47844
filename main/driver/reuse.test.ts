import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from '../../shared/node/git.js';
import { REUSE_REF_PREFIX, ResultReuse, type ReuseInput } from './reuse.js';
import { UserRepo } from './user-repo.js';

test('results recorded at once are all found by a later run; one on a base git lacks fails alone', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-reuse-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await git(['init', '--quiet', '-b', 'main', dir], { cwd: tmpdir() });
  const commit = async (file: string): Promise<string> => {
    await writeFile(join(dir, file), file);
    await git(['add', '--all'], { cwd: dir });
    await git(['commit', '--quiet', '-m', file], { cwd: dir });
    return gitOut(['rev-parse', 'HEAD'], { cwd: dir });
  };
  const base = await commit('base.txt');
  const results = [await commit('one.txt'), await commit('two.txt')];
  const spec = (prompt: string, on = base): ReuseInput => ({ prompt, session: {}, base: on });
  const repo = await UserRepo.open(dir);
  const reuse = await ResultReuse.open(repo);

  const outcomes = await Promise.allSettled([
    reuse.remember(spec('one'), results[0]!),
    reuse.remember(spec('two'), results[1]!),
    reuse.remember(spec('lost', '1'.repeat(40)), results[1]!),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'rejected']);
  await reuse.settled();
  const refs = (await gitOut(['for-each-ref', '--format=%(objectname)', REUSE_REF_PREFIX], { cwd: dir })).split('\n').sort();
  assert.deepEqual(refs, [...results].sort());

  const later = await ResultReuse.open(repo);
  const found = await later.find(spec('two'), 'reused');
  assert.ok(found);
  assert.equal(await gitOut(['rev-parse', `${found}^{tree}`], { cwd: dir }), await gitOut(['rev-parse', `${results[1]}^{tree}`], { cwd: dir }));
  assert.equal(await gitOut(['rev-parse', `${found}^`], { cwd: dir }), base);
  assert.equal(await later.find(spec('three'), 'reused'), undefined);
});

test('the base given at open has its tree looked up then: asking about a task on it needs no git', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-reuse-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await git(['init', '--quiet', '-b', 'main', dir], { cwd: tmpdir() });
  await writeFile(join(dir, 'base.txt'), 'base');
  await git(['add', '--all'], { cwd: dir });
  await git(['commit', '--quiet', '-m', 'base'], { cwd: dir });
  const base = await gitOut(['rev-parse', 'HEAD'], { cwd: dir });
  const repo = await UserRepo.open(dir);
  const spec: ReuseInput = { prompt: 'p', session: {}, base };
  const expected = await (await ResultReuse.open(repo)).key(spec);

  const reuse = await ResultReuse.open(repo, base);
  await rename(join(dir, '.git'), join(dir, 'git-away')); // from here on, every git command in it fails
  assert.equal(await reuse.key(spec), expected);
  await assert.rejects(reuse.key({ ...spec, base: '1'.repeat(40) }), 'another base still needs git');
});
