import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIN_FREE_DISK_BYTES, checkDiskSpace, formatBytes, freeBytes, requireDiskSpace, type StatFs } from './disk-space.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

const MIB = 1024 * 1024;

/** A file system with `free` bytes available, seen at every existing path in `exists`. */
function fakeFs(free: number, exists: (p: string) => boolean = () => true): { statfs: StatFs; asked: string[] } {
  const asked: string[] = [];
  const statfs: StatFs = (p) => {
    asked.push(p);
    if (!exists(p)) return Promise.reject(Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' }));
    return Promise.resolve({ bavail: BigInt(Math.floor(free / 4096)), bsize: 4096 });
  };
  return { statfs, asked };
}

test('enough space: the write plus the minimum fits', async () => {
  const { statfs } = fakeFs(MIN_FREE_DISK_BYTES + 10 * MIB);
  const check = await checkDiskSpace('/data/blobs', 10 * MIB, 'a blob', statfs);
  assert.deepEqual(check, { ok: true, free: MIN_FREE_DISK_BYTES + 10 * MIB });
});

test('a shortage is a DiskSpaceError naming the path, what is free and what is needed', async () => {
  const { statfs } = fakeFs(MIN_FREE_DISK_BYTES + 10 * MIB - 4096);
  const check = await checkDiskSpace('/data/blobs', 10 * MIB, 'blob ab12 (10.0 MiB)', statfs);
  assert.equal(check.ok, false);
  if (check.ok) return;
  assert.equal(check.error.name, 'DiskSpaceError');
  assert.equal(check.error.path, '/data/blobs');
  assert.equal(check.error.free, MIN_FREE_DISK_BYTES + 10 * MIB - 4096);
  assert.equal(check.error.needed, MIN_FREE_DISK_BYTES + 10 * MIB);
  assert.equal(check.error.message, `not enough disk space for blob ab12 (10.0 MiB) at /data/blobs: ${formatBytes(check.error.free)} free, ${formatBytes(check.error.needed)} needed`);
});

test('the minimum alone must stay free, even for a write of nothing', async () => {
  await assert.rejects(requireDiskSpace('/x', 0, 'a worktree', fakeFs(MIN_FREE_DISK_BYTES - 4096).statfs), { name: 'DiskSpaceError' });
  await requireDiskSpace('/x', 0, 'a worktree', fakeFs(MIN_FREE_DISK_BYTES).statfs);
});

test('a path not created yet is measured at its nearest existing ancestor', async () => {
  const { statfs, asked } = fakeFs(5 * MIB, (p) => p === '/data');
  assert.equal(await freeBytes('/data/work/new-tree', statfs), 5 * MIB);
  assert.deepEqual(asked, ['/data/work/new-tree', '/data/work', '/data']);
});

test('errors other than a missing path are not hidden', async () => {
  const statfs: StatFs = () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' }));
  await assert.rejects(freeBytes('/data', statfs), /EACCES/);
});

test('the real statfs answers for a temp dir and for a path inside it that does not exist', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-disk-'));
  made.push(dir);
  const free = await freeBytes(dir);
  assert.ok(free > 0);
  assert.ok(Math.abs((await freeBytes(join(dir, 'a', 'b'))) - free) < 64 * MIB, 'same file system');
  // More than the disk has can never fit.
  const check = await checkDiskSpace(dir, free + 1024 * 1024 * MIB, 'too much');
  assert.equal(check.ok, false);
});

test('formatBytes', () => {
  assert.equal(formatBytes(812), '812 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(64 * MIB), '64.0 MiB');
  assert.equal(formatBytes(3 * 1024 * MIB), '3.0 GiB');
});
