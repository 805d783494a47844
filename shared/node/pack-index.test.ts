import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from './git.js';
import { PackIndexError, indexHas, packIndexHas } from './pack-index.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

/** A repo of `format` ids with a few dozen objects, all packed by `git repack`: the index's path and every object id. */
async function packed(format: 'sha1' | 'sha256'): Promise<{ idx: string; ids: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-pack-index-'));
  made.push(dir);
  await git(['init', '--quiet', `--object-format=${format}`, dir], { cwd: tmpdir() });
  for (let n = 0; n < 12; n++) {
    await writeFile(join(dir, `f${n}.txt`), `${n}\n`);
    await git(['add', '--all'], { cwd: dir });
    await git(['commit', '--quiet', '-m', `c${n}`], { cwd: dir });
  }
  await git(['repack', '-a', '-d', '-q'], { cwd: dir });
  const packDir = join(dir, '.git', 'objects', 'pack');
  const idx = join(packDir, (await readdir(packDir)).find((f) => f.endsWith('.idx'))!);
  const ids = (await gitOut(['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], { cwd: dir })).split('\n');
  return { idx, ids };
}

/** `id` with its last hex digit changed: same first byte, so the search runs in the same fan-out bucket. */
function neighbour(id: string): string {
  return id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
}

for (const format of ['sha1', 'sha256'] as const) {
  test(`finds every object of a ${format} pack, and no other`, async () => {
    const { idx, ids } = await packed(format);
    assert.ok(ids.length > 30, `${ids.length} objects`);
    for (const id of ids) assert.equal(await packIndexHas(idx, id), true, id);
    const others = ids.map(neighbour).filter((id) => !ids.includes(id));
    assert.ok(others.length > 0);
    for (const id of others) assert.equal(await packIndexHas(idx, id), false, id);
    assert.equal(await packIndexHas(idx, 'f'.repeat(ids[0]!.length)), false);
    assert.equal(await packIndexHas(idx, '0'.repeat(ids[0]!.length)), false);
  });
}

test('refuses what is not a whole version 2 index', async () => {
  const { idx, ids } = await packed('sha1');
  const bytes = await readFile(idx);
  const id = Buffer.from(ids[0]!, 'hex');
  assert.throws(() => indexHas(Buffer.from('not an index at all, not even close to it'), id), PackIndexError);
  assert.throws(() => indexHas(bytes.subarray(0, 1100), id), /cut short/);
  const v1 = Buffer.from(bytes);
  v1.writeUInt32BE(1, 4);
  assert.throws(() => indexHas(v1, id), /not a version 2 pack index/);
});
