import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Goal } from '../../shared/goal/types.js';
import { RunJournal, readJournal } from './run-journal.js';
import { foldJournal } from './run-resume.js';

const made: string[] = [];
after(async () => { await Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))); });

async function journal(): Promise<RunJournal> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-journal-'));
  made.push(dir);
  return RunJournal.open(dir);
}

const settled = (taskId: string) => ({ type: 'settled' as const, taskId, status: 'failed' as const });

test('events recorded at once are all durable when their promises settle, in the order recorded', async () => {
  const j = await journal();
  const ids = Array.from({ length: 50 }, (_, i) => `t${i}`);
  await Promise.all(ids.map((id) => j.record(settled(id))));
  const read = await readJournal(j.dir);
  assert.deepEqual(read.map((e) => (e as { taskId: string }).taskId), ids);
  await j.close();
});

test('events recorded one after another, and after close, are kept too', async () => {
  const j = await journal();
  await j.record(settled('a'));
  await j.record(settled('b'));
  await j.close();
  await j.record(settled('c'));
  await j.close();
  assert.deepEqual((await readJournal(j.dir)).map((e) => (e as { taskId: string }).taskId), ['a', 'b', 'c']);
});

test('a batch that cannot be written rejects its events; the next batch is written', async () => {
  const j = await journal();
  await rm(j.dir, { recursive: true });
  await assert.rejects(j.record(settled('lost')), /ENOENT/);
  await RunJournal.open(j.dir);
  await j.record(settled('kept'));
  await j.close();
  assert.deepEqual((await readJournal(j.dir)).map((e) => (e as { taskId: string }).taskId), ['kept']);
});

test('a run that ended and was reopened folds back to running, its reopened tasks pending and the rest as they ended', async () => {
  const j = await journal();
  const oid = (c: string): string => c.repeat(40);
  const goal = { title: 'g', file: 'g.md', tasks: [{ id: 'a', after: [] }, { id: 'b', after: [] }, { id: 'c', after: ['b'] }] } as unknown as Goal;
  await j.record({ type: 'started', version: 1, runId: 'r1', base: oid('0'), branch: 'claudecluster/r1', goal });
  await j.record({ type: 'merged', taskId: 'a', commit: oid('a'), head: oid('1') });
  await j.record({ ...settled('b'), error: 'exit 1' });
  await j.record({ type: 'settled', taskId: 'c', status: 'blocked' });
  await j.record({ type: 'finished' });
  const ended = foldJournal(await readJournal(j.dir));
  assert.equal(ended.finished, true);
  await j.record({ type: 'reopened', taskIds: ['b', 'c'] });
  await j.close();
  const reopened = foldJournal(await readJournal(j.dir));
  assert.equal(reopened.finished, false);
  assert.equal(reopened.head, oid('1'));
  assert.deepEqual(['a', 'b', 'c'].map((id) => [reopened.tasks.get(id)?.status, reopened.tasks.get(id)?.error]), [['merged', undefined], ['pending', undefined], ['pending', undefined]]);
});
