import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from './git.js';
import { BundleHeaderError, parseBundleHeader, readBundleHeader } from './bundle-header.js';

test('reads the prerequisites and refs of a bundle git made, as git list-heads does', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bundle-'));
  try {
    await git(['init', '--quiet', '-b', 'main', dir], { cwd: tmpdir() });
    await writeFile(join(dir, 'a'), '1\n');
    await git(['add', 'a'], { cwd: dir });
    await git(['commit', '--quiet', '-m', 'one'], { cwd: dir });
    const base = await gitOut(['rev-parse', 'HEAD'], { cwd: dir });
    await writeFile(join(dir, 'a'), '2\n');
    await git(['commit', '--quiet', '-am', 'two'], { cwd: dir });
    const out = join(dir, 'x.bundle');
    await git(['bundle', 'create', '--quiet', out, 'main', `^${base}`], { cwd: dir });
    const header = await readBundleHeader({ file: out });
    assert.deepEqual(header.prerequisites, [base]);
    const listed = (await gitOut(['bundle', 'list-heads', out], { cwd: dir })).split('\n').map((l) => { const [oid, name] = l.split(' '); return { oid, name }; });
    assert.deepEqual(header.refs, listed);
    assert.equal(header.refs[0]?.name, 'refs/heads/main');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('anything else is refused with what is wrong', () => {
  const oid = 'a'.repeat(40);
  assert.throws(() => parseBundleHeader('PACK...'), BundleHeaderError);
  assert.throws(() => parseBundleHeader(`# v9 git bundle\n${oid} refs/x\n\n`), /unknown signature/);
  assert.throws(() => parseBundleHeader(`# v2 git bundle\nzz refs/x\n\n`), /bad object id/);
  assert.throws(() => parseBundleHeader(`# v2 git bundle\n${oid}\n\n`), /ref without a name/);
  assert.throws(() => parseBundleHeader(`# v2 git bundle\n${oid} refs/x:refs/heads/main\n\n`), /bad ref name/);
  assert.throws(() => parseBundleHeader(`# v2 git bundle\n${oid} HEADS\n\n`), /bad ref name/);
  assert.deepEqual(parseBundleHeader(`# v2 git bundle\n${oid} HEAD\n\n`).refs, [{ oid, name: 'HEAD' }]);
  const v3 = `# v3 git bundle\n@object-format=sha1\n-${oid} c\n${oid} refs/x\n\n`;
  assert.deepEqual(parseBundleHeader(`${v3}PACK`), { prerequisites: [oid], refs: [{ oid, name: 'refs/x' }], packAt: v3.length });
});
