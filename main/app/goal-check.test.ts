import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkGoal } from './goal-check.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function repoWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-goal-'));
  dirs.push(dir);
  const git = (...args: string[]): void => { execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd: dir }); };
  git('init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  return dir;
}

const FANOUT = '# Types\n\n## Tasks\n- types: Annotate {{item}}\n  foreach: src/*.js\n';

test('foreach fans out over the files tracked in the repository', async () => {
  const repo = await repoWith({ 'src/a.js': '', 'src/b.js': '', 'README.md': '' });
  const r = await checkGoal({ name: 'types.md', text: FANOUT }, repo);
  assert.ok(r.ok, JSON.stringify(r.check));
  assert.deepEqual(r.check.tasks.map((t) => t.id), ['types-src-a-js', 'types-src-b-js']);
  assert.equal(r.check.tasks[0]!.title, 'Annotate src/a.js');
  assert.match(r.base ?? '', /^[0-9a-f]{40}$/);
});

test('foreach without a repository, or matching nothing, is a problem with its line', async () => {
  const none = await checkGoal({ name: 'types.md', text: FANOUT }, null);
  assert.ok(!none.ok && /needs a repository/.test(none.check.problems[0]!.message));
  const repo = await repoWith({ 'README.md': '' });
  const empty = await checkGoal({ name: 'types.md', text: FANOUT }, repo);
  assert.ok(!empty.ok);
  assert.ok(empty.check.problems.some((p) => p.line === 5 && /matched no file/.test(p.message)), JSON.stringify(empty.check));
});

test('a base the repository does not have is a problem at the base line', async () => {
  const repo = await repoWith({ 'README.md': '' });
  const r = await checkGoal({ name: 'g.md', text: '---\nverify: "true"\nbase: no-such-branch\n---\n# G\n\n## Tasks\n- a: A\n' }, repo);
  assert.ok(!r.ok);
  assert.deepEqual(r.check.problems.map((p) => p.line), [3]);
  assert.match(r.check.problems[0]!.message, /no-such-branch/);
});

test('a goal without a task list checks fine and says it must be planned', async () => {
  const r = await checkGoal({ name: 'free.md', text: '# Free\n\nImprove the docs.\n' }, null);
  assert.ok(r.ok);
  assert.equal(r.check.hasTaskList, false);
  assert.equal(r.check.title, 'Free');
});

test('a task without text of its own is prompted by its title', async () => {
  const r = await checkGoal({ name: 'g.md', text: '# G\n\n## Tasks\n- a: Do the thing\n- b: Other\n  With words.\n' }, null);
  assert.ok(r.ok);
  assert.deepEqual(r.check.tasks.map((t) => t.prompt), ['Do the thing', 'With words.']);
});

test('the check carries each task\'s estimate, the critical path and the work in all', async () => {
  const text = '# G\n\n## Tasks\n- a: A\n  estimate: 10m\n- b: B\n  estimate: 2m\n- c: C\n  after: a, b\n';
  const r = await checkGoal({ name: 'g.md', text }, null);
  assert.ok(r.ok);
  assert.deepEqual(r.check.tasks.map((t) => t.estimateMs), [600_000, 120_000, undefined]);
  // c has no estimate: it counts as the median of the others' (6 min).
  assert.deepEqual(r.check.criticalPath, { ids: ['a', 'c'], estimateMs: 960_000 });
  assert.equal(r.check.workMs, 1_080_000);
  const plain = await checkGoal({ name: 'g.md', text: '# G\n\n## Tasks\n- a: A\n- b: B\n  after: a\n- c: C\n' }, null);
  assert.ok(plain.ok);
  assert.deepEqual([plain.check.criticalPath, plain.check.workMs], [{ ids: ['a', 'b'] }, undefined]);
});
