import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git, gitOut } from '../../shared/node/git.js';
import { UsageError } from '../../shared/node/cli-args.js';
import { UserRepo } from '../driver/user-repo.js';
import { loadGoal } from './load-goal.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A repo whose `main` has `files`, then a branch `old` at that commit and one more commit on main. */
async function repoWith(files: Record<string, string>, later: Record<string, string> = {}): Promise<{ root: string; goalDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'cc-load-goal-'));
  dirs.push(root);
  const repo = join(root, 'repo');
  await git(['init', '--quiet', '-b', 'main', repo], { cwd: root });
  const commit = async (set: Record<string, string>, message: string) => {
    for (const [path, text] of Object.entries(set)) {
      await mkdir(dirname(join(repo, path)), { recursive: true });
      await writeFile(join(repo, path), text);
    }
    await git(['add', '-A'], { cwd: repo });
    await git(['commit', '--quiet', '--allow-empty', '-m', message], { cwd: repo });
  };
  await commit(files, 'one');
  await git(['branch', 'old'], { cwd: repo });
  await commit(later, 'two');
  return { root: repo, goalDir: root };
}

async function goalFile(dir: string, text: string): Promise<string> {
  const path = join(dir, 'goal.md');
  await writeFile(path, text);
  return path;
}

const usageError = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && pattern.test(e.message);

test('a foreach glob fans out over the files tracked at the goal\'s base, not the working tree', async () => {
  const { root, goalDir } = await repoWith({ 'src/a.ts': '', 'src/b.ts': '' }, { 'src/later.ts': '' });
  await writeFile(join(root, 'src', 'untracked.ts'), '');
  const repo = await UserRepo.open(root);
  const text = (base: string) => `---\nbase: ${base}\n---\n## Tasks\n- t: Check {{item}}\n  foreach: src/*.ts\n`;
  const atOld = await loadGoal(await goalFile(goalDir, text('old')), repo);
  assert.deepEqual(atOld.goal.tasks.map((t) => t.item), ['src/a.ts', 'src/b.ts']);
  assert.equal(atOld.base, await gitOut(['rev-parse', 'old'], { cwd: root }));
  const atMain = await loadGoal(await goalFile(goalDir, text('main')), repo);
  assert.deepEqual(atMain.goal.tasks.map((t) => t.item), ['src/a.ts', 'src/b.ts', 'src/later.ts']);
});

test('a goal without globs loads and resolves its base to a commit', async () => {
  const { root, goalDir } = await repoWith({ 'a.txt': '' });
  const loaded = await loadGoal(await goalFile(goalDir, '# T\n\nDo it.\n'), await UserRepo.open(root));
  assert.equal(loaded.goal.tasks[0]?.id, 'goal');
  assert.equal(loaded.base, await gitOut(['rev-parse', 'HEAD'], { cwd: root }));
});

test('a glob that matches nothing is a usage error with file, line, glob and base', async () => {
  const { root, goalDir } = await repoWith({ 'src/a.ts': '' });
  const path = await goalFile(goalDir, '# T\n## Tasks\n- t: Port {{item}}\n  foreach: src/**/*.rs\n');
  const head = (await gitOut(['rev-parse', 'HEAD'], { cwd: root })).slice(0, 12);
  await assert.rejects(loadGoal(path, await UserRepo.open(root)), usageError(
    new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: foreach src/\\*\\*/\\*\\.rs matched no file in the repository at HEAD \\(${head}\\)$`),
  ));
});

test('a base that is not in the repo, and a goal file that is missing, are usage errors', async () => {
  const { root, goalDir } = await repoWith({ 'a.txt': '' });
  const repo = await UserRepo.open(root);
  await assert.rejects(loadGoal(await goalFile(goalDir, '---\nbase: nope\n---\nDo it.\n'), repo), usageError(/"nope" is not a branch, tag or commit/));
  await assert.rejects(loadGoal(await goalFile(goalDir, '---\nbase: nope\n---\n## Tasks\n- t: {{item}}\n  foreach: "*"\n'), repo), usageError(/"nope" is not a branch/));
  await assert.rejects(loadGoal(join(goalDir, 'missing.md'), repo), usageError(/cannot read goal file .*missing\.md: no such file/));
});
