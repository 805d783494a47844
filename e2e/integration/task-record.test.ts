/**
 * What an agent's answers promise about its task records: a task is on disk before `task.start`
 * is answered, yet its session does not wait for the disk; a result is on disk before the driver
 * hears of it; a start held on its record's write does not hold the driver's next request. A FIFO in place of the record's temporary file holds each write until the test
 * reads it, so "before" is shown, not left to timing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathOf } from '../../shared/node/json-file.js';
import type { TaskResult } from '../../shared/protocol/control.js';
import { Scope, waitFor } from '../harness.js';
import { directAgent, type DirectAgent } from '../direct-agent.js';

const scope = new Scope();
const closers: DirectAgent[] = [];
after(async () => {
  await Promise.all(closers.map((d) => d.close()));
  await scope.cleanup();
});

/** Lets the write blocked on `fifo` through: the agent's open returns once a reader is there. */
function drain(fifo: string): Promise<void> {
  return new Promise((resolve, reject) => createReadStream(fifo).on('error', reject).on('close', () => resolve()).resume());
}

/** An agent whose first write of task t1's record waits at `fifo` until the test drains it. */
async function heldFirstRecord(): Promise<{ tmp: string; d: DirectAgent; fifo: string }> {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const taskDir = join(d.agentDir, 'tasks', 'r1.t1');
  const fifo = tempPathOf(join(taskDir, 'task.json'), d.agent.proc.pid);
  await mkdir(taskDir, { recursive: true, mode: 0o700 });
  execFileSync('mkfifo', [fifo]);
  return { tmp, d, fifo };
}

test('a task is on disk before its start is answered, and its result before it is reported; the session waits for neither', async () => {
  const { tmp, d, fifo } = await heldFirstRecord();
  const results: TaskResult[] = [];
  d.client.rpc.on('task.result', (r) => results.push(r));
  const gate = join(tmp, 'gate');

  let answered = false;
  const started = d.start('t1', `!write a.txt a\n!wait-for ${gate}`, { mode: 'headless' }).then(() => { answered = true; });
  // The answer would come before any state of the session on the same stream.
  await waitFor(() => d.states.some((e) => e.taskId === 't1' && e.state === 'working'), 'the session at work');
  assert.equal(answered, false, 'task.start is not answered while the record cannot be written');
  await drain(fifo);
  await started;
  await unlink(fifo);

  // Now the result's record write is held.
  execFileSync('mkfifo', [fifo]);
  await writeFile(gate, '');
  await waitFor(() => d.states.some((e) => e.taskId === 't1' && e.state === 'done'), 'the turn done');
  // A round trip on the same stream: a result sent with `done` would have arrived before its answer.
  await d.client.rpc.request('task.list', { runId: 'r1' });
  assert.equal(results.length, 0, 'no result reported before its record is written');
  await drain(fifo);
  await waitFor(() => results.length === 1, 'the result, once the write went through');
  assert.match(results[0]!.commit ?? '', /^[0-9a-f]{40}$/);
});

test('a start waiting for its record to be written does not hold up the next start: it is answered first', { timeout: 60_000 }, async () => {
  const { d, fifo } = await heldFirstRecord();

  let firstAnswered = false;
  const first = d.start('t1', '!write a.txt a', { mode: 'headless' }).then(() => { firstAnswered = true; });
  await d.start('t2', '!write b.txt b', { mode: 'headless' });
  assert.equal(firstAnswered, false, 't1 is not answered while its record cannot be written');
  await drain(fifo);
  await first;
  await unlink(fifo);
});
