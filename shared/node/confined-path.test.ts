import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfinedPathError, confine, confineReal, confinedPath } from './confined-path.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

async function tmp(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'cc-confine-')));
  made.push(dir);
  return dir;
}

test('names inside the directory resolve under it', () => {
  assert.deepEqual(confine('/data/tasks', 'r1.a'), { ok: true, path: '/data/tasks/r1.a' });
  assert.deepEqual(confine('/data/tasks', 'r1.a/term.log'), { ok: true, path: '/data/tasks/r1.a/term.log' });
  assert.equal(confinedPath('/data/logs/', './x.log'), '/data/logs/x.log');
});

test('"..", absolute paths, NUL bytes, empty names and the directory itself are refused', () => {
  const bad = ['..', '../x', 'a/../../x', 'a/..', '..\\x', '/etc/passwd', 'C:\\Windows', 'a\0b', '', '.', './'];
  for (const name of bad) {
    const c = confine('/data/tasks', name);
    assert.equal(c.ok, false, `${JSON.stringify(name)} must be refused`);
  }
  assert.throws(() => confinedPath('/data/tasks', '../../etc/passwd'), ConfinedPathError);
  const why = confine('/data', '../x');
  assert.ok(!why.ok && /climbs out/.test(why.error));
});

test('a symlink inside the directory that leads out of it is refused', async () => {
  const root = await tmp();
  const outside = await tmp();
  await writeFile(join(outside, 'secret'), 'x');
  await symlink(outside, join(root, 'escape'));
  await symlink(join(outside, 'gone'), join(root, 'dangling'));
  await mkdir(join(root, 'sub'));
  await symlink(join(root, 'sub'), join(root, 'inner'));

  const through = await confineReal(root, 'escape/secret');
  assert.ok(!through.ok && /symlink/.test(through.error));
  const notYet = await confineReal(root, 'escape/new/file');
  assert.equal(notYet.ok, false, 'a missing file below an escaping symlink is still outside');
  assert.equal((await confineReal(root, 'dangling')).ok, false, 'writing through a dangling symlink would create its target');
  assert.deepEqual(await confineReal(root, 'inner/a.log'), { ok: true, path: join(root, 'sub', 'a.log') });
  assert.deepEqual(await confineReal(root, 'new/deeper/a.log'), { ok: true, path: join(root, 'new', 'deeper', 'a.log') });
  assert.equal((await confineReal(root, '../x')).ok, false);
});
