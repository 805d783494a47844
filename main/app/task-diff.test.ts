import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, unlink, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBinary, parseNameStatus, taskDiff } from './task-diff.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' }).trim();
}

test('each kind of change, with patch, both sides and the binary flag', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-diff-'));
  dirs.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  await writeFile(join(dir, 'keep.txt'), 'one\ntwo\n');
  await writeFile(join(dir, 'gone.txt'), 'bye\n');
  await writeFile(join(dir, 'old-name.txt'), 'a file that moves, long enough to be seen as a rename\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  await writeFile(join(dir, 'keep.txt'), 'one\nTWO\n');
  await unlink(join(dir, 'gone.txt'));
  await rename(join(dir, 'old-name.txt'), join(dir, 'new name.txt'));
  await writeFile(join(dir, 'new.txt'), 'fresh\n');
  await writeFile(join(dir, 'image.bin'), Buffer.from([0, 1, 2, 0, 255, 0]));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'task');
  const commit = git(dir, 'rev-parse', 'HEAD');

  const files = await taskDiff(dir, base, commit);
  const by = new Map(files.map((f) => [f.path, f]));
  assert.deepEqual([...by.keys()].sort(), ['gone.txt', 'image.bin', 'keep.txt', 'new name.txt', 'new.txt']);
  const keep = by.get('keep.txt')!;
  assert.equal(keep.change, 'modified');
  assert.equal(keep.before, 'one\ntwo\n');
  assert.equal(keep.after, 'one\nTWO\n');
  assert.match(keep.patch, /^-two$/m);
  assert.match(keep.patch, /^\+TWO$/m);
  assert.equal(by.get('gone.txt')!.change, 'deleted');
  assert.equal(by.get('gone.txt')!.after, undefined);
  assert.equal(by.get('new.txt')!.change, 'added');
  assert.equal(by.get('new.txt')!.before, undefined);
  assert.equal(by.get('new.txt')!.after, 'fresh\n');
  const moved = by.get('new name.txt')!;
  assert.equal(moved.change, 'renamed');
  assert.equal(moved.oldPath, 'old-name.txt');
  const bin = by.get('image.bin')!;
  assert.equal(bin.binary, true);
  assert.equal(bin.after, undefined);
  assert.equal(keep.binary, false);
});

test('a commit the repository does not have gives no files, not an error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-diff-'));
  dirs.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  await writeFile(join(dir, 'a'), 'a');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  assert.deepEqual(await taskDiff(dir, git(dir, 'rev-parse', 'HEAD'), 'f'.repeat(40)), []);
});

test('the -z parsers read renames and odd names', () => {
  assert.deepEqual(parseNameStatus('M\0a b\0R087\0x\0y\nz\0D\0gone\0'), [
    { change: 'modified', path: 'a b' },
    { change: 'renamed', path: 'y\nz', oldPath: 'x' },
    { change: 'deleted', path: 'gone' },
  ]);
  assert.deepEqual([...parseBinary('1\t1\ta\0-\t-\tpic.png\0-\t-\t\0old.bin\0new.bin\0')], ['pic.png', 'new.bin']);
});
