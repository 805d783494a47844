import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunJournal, readJournal } from './run-journal.js';

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
