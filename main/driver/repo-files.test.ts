import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from '../../shared/node/git.js';
import { matchFiles, trackedFiles } from './repo-files.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A repository with `files` committed. */
async function repoWith(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'cc-repo-files-'));
  dirs.push(root);
  await git(['init', '--quiet', '-b', 'main', root], { cwd: tmpdir() });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await git(['add', '-A'], { cwd: root });
  await git(['commit', '--quiet', '-m', 'files'], { cwd: root });
  return root;
}

test('trackedFiles lists every file committed at a commit, names as stored', async () => {
  const root = await repoWith({ 'a.txt': '1', 'src/b c.ts': '2', 'src/ü.ts': '3', '.hidden/x.ts': '4' });
  assert.deepEqual(await trackedFiles(root, 'HEAD'), ['.hidden/x.ts', 'a.txt', 'src/b c.ts', 'src/ü.ts']);
});

test('matchFiles: * stays in a folder, ** spans folders, dot files only when spelled out, ./ is the root', () => {
  const files = ['a.ts', 'src/b.ts', 'src/deep/c.ts', 'src/d.js', '.github/e.ts'];
  assert.deepEqual(matchFiles(files, 'src/*.ts'), ['src/b.ts']);
  assert.deepEqual(matchFiles(files, 'src/**/*.ts'), ['src/b.ts', 'src/deep/c.ts']);
  assert.deepEqual(matchFiles(files, '**/*.ts'), ['a.ts', 'src/b.ts', 'src/deep/c.ts']);
  assert.deepEqual(matchFiles(files, '.github/*.ts'), ['.github/e.ts']);
  assert.deepEqual(matchFiles(files, './src/*.{ts,js}'), ['src/b.ts', 'src/d.js']);
  assert.deepEqual(matchFiles(files, 'src/*.rs'), []);
});
