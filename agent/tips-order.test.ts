import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from '../shared/node/git.js';
import { ORDERED_TIPS, newestFirst, type Tip } from './tips-order.js';

const EARLIER = 1_796_680_195;
const LATER = EARLIER + 1;

async function commitAt(dir: string, name: string, time: number): Promise<string> {
  await writeFile(join(dir, name), `${name}\n`);
  await git(['add', name], { cwd: dir });
  const date = `@${time} +0000`;
  await git(['commit', '--quiet', '-m', name], { cwd: dir, env: { GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date } });
  return gitOut(['rev-parse', 'HEAD'], { cwd: dir });
}

interface History { dir: string; early: string[]; line: string[]; side: string; tips: Tip[] }

/**
 * Two seconds of commits: a line of 3 in the first; a line of `lineLength` on it and a side commit
 * off it in the next. The tips are listed as for-each-ref lists a second: by ref name, which is
 * no order at all (and one commit twice).
 */
async function history(lineLength: number, fn: (h: History) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-tips-'));
  try {
    await git(['init', '--quiet', '-b', 'main', dir], { cwd: tmpdir() });
    const early: string[] = [];
    for (let i = 0; i < 3; i++) early.push(await commitAt(dir, `e${i}`, EARLIER));
    const line: string[] = [];
    for (let i = 0; i < lineLength; i++) line.push(await commitAt(dir, `l${i}`, LATER));
    await git(['checkout', '--quiet', '-b', 'side', early.at(-1)!], { cwd: dir });
    const side = await commitAt(dir, 'side', LATER);
    const byName = (oids: string[]): string[] => [...oids].sort();
    const tips: Tip[] = [
      ...byName([...line, side]).map((oid) => ({ oid, time: LATER })),
      { oid: line[3]!, time: LATER },
      ...byName(early).map((oid) => ({ oid, time: EARLIER })),
    ];
    await fn({ dir, early, line, side, tips });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const beforeParents = (got: string[], chain: string[], name: string): void => {
  for (let i = 1; i < chain.length; i++) assert.ok(got.indexOf(chain[i]!) < got.indexOf(chain[i - 1]!), `${name}${i} before its parent ${name}${i - 1}`);
};

test('the newest seconds come newest first: each commit before its ancestors, the later second first', async () => {
  await history(12, async ({ dir, early, line, side, tips }) => {
    const got = await newestFirst(dir, tips);
    assert.equal(got.length, line.length + 1 + early.length, 'every commit once');
    beforeParents(got, line, 'l');
    beforeParents(got, early, 'e');
    assert.ok(got[0] === line.at(-1) || got[0] === side, 'a commit of the later second with no child comes first');
    assert.ok(Math.max(...[...line, side].map((c) => got.indexOf(c))) < Math.min(...early.map((c) => got.indexOf(c))), 'the later second before the earlier one');
  });
});

test(`a second is put in order whole, past the first ${ORDERED_TIPS} tips; the seconds after keep their listed order`, async () => {
  await history(ORDERED_TIPS + 8, async ({ dir, early, line, tips }) => {
    const got = await newestFirst(dir, tips);
    beforeParents(got, line, 'l');
    assert.deepEqual(got.slice(line.length + 1), [...early].sort(), 'the earlier second as listed');
  });
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
