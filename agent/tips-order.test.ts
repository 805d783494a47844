import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from '../shared/node/git.js';
import { newestFirst, type Tip } from './tips-order.js';

/** Two seconds of commits: a line of 3 in the first, then a line of 12 and a side commit in the next. */
const EARLIER = 1_796_680_195;
const LATER = EARLIER + 1;

async function commitAt(dir: string, name: string, time: number): Promise<string> {
  await writeFile(join(dir, name), `${name}\n`);
  await git(['add', name], { cwd: dir });
  const date = `@${time} +0000`;
  await git(['commit', '--quiet', '-m', name], { cwd: dir, env: { GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date } });
  return gitOut(['rev-parse', 'HEAD'], { cwd: dir });
}

test('commits of one second come newest first: each before its ancestors, the later second first', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-tips-'));
  try {
    await git(['init', '--quiet', '-b', 'main', dir], { cwd: tmpdir() });
    const early: string[] = [];
    for (let i = 0; i < 3; i++) early.push(await commitAt(dir, `e${i}`, EARLIER));
    const line: string[] = [];
    for (let i = 0; i < 12; i++) line.push(await commitAt(dir, `l${i}`, LATER));
    await git(['checkout', '--quiet', '-b', 'side', early.at(-1)!], { cwd: dir });
    const side = await commitAt(dir, 'side', LATER);
    // As for-each-ref lists a tie: by ref name, which is no order at all; one commit twice.
    const byName = (oids: string[]): string[] => [...oids].sort();
    const tips: Tip[] = [
      ...byName([...line, side]).map((oid) => ({ oid, time: LATER })),
      { oid: line[3]!, time: LATER },
      ...byName(early).map((oid) => ({ oid, time: EARLIER })),
    ];
    const got = await newestFirst(dir, tips);
    assert.equal(got.length, 16, 'every commit once');
    const at = (oid: string): number => got.indexOf(oid);
    for (let i = 1; i < line.length; i++) assert.ok(at(line[i]!) < at(line[i - 1]!), `l${i} before its parent l${i - 1}`);
    for (let i = 1; i < early.length; i++) assert.ok(at(early[i]!) < at(early[i - 1]!), `e${i} before its parent e${i - 1}`);
    assert.equal(got[0] === line.at(-1) || got[0] === side, true, 'a commit of the later second with no child comes first');
    assert.ok(Math.max(...[...line, side].map(at)) < Math.min(...early.map(at)), 'the later second before the earlier one');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a second the walk cannot order stays as listed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-tips-'));
  try {
    await git(['init', '--quiet', '--bare', dir], { cwd: tmpdir() });
    const missing = ['1'.repeat(40), '2'.repeat(40)];
    assert.deepEqual(await newestFirst(dir, missing.map((oid) => ({ oid, time: LATER }))), missing);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
