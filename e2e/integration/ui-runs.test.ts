/**
 * Running tasks again through `claudecluster ui`: `task.retry` in an open run and after the run
 * ended (the run is taken up again from its journal), and `task.cancel`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BridgeEventPayload } from '../../shared/bridge/index.js';
import { RPC_ERROR } from '../../shared/protocol/jsonrpc.js';
import { Scope, git, waitFor } from '../harness.js';
import { connect as connectTo, startUi, type UiCli } from './ui-cli.js';

const scope = new Scope();
let ui: UiCli;
let repo = '';
let tmp = '';

before(async () => {
  ui = await startUi(scope);
  ({ repo, tmp } = ui);
  const { api } = await connectTo(ui);
  await waitFor(async () => (await api.call('agents.list', {})).agents.some((a) => a.local && a.health === 'ready'), 'the local agent');
});

after(async () => {
  for (const ws of ui?.sockets ?? []) ws.terminate();
  await scope.cleanup();
});

const connect = (): ReturnType<typeof connectTo> => connectTo(ui);

test('task.retry runs a failed task again while its run is open; task.cancel stops a running one', async () => {
  const { api } = await connect();
  const okFile = join(tmp, 'flaky-may-pass');
  const never = join(tmp, 'never');
  const statuses: Array<BridgeEventPayload<'task.status'>> = [];
  let finished: BridgeEventPayload<'run.finished'> | undefined;
  api.on('task.status', (s) => statuses.push(s));
  api.on('run.finished', (p) => { finished = p; });
  const goal = [
    '---', 'retries: 0', '---', '# Retry and cancel', '', '## Tasks',
    '- flaky: Needs a file first', `  !require ${okFile}`, '  !write flaky.txt ok',
    '- stuck: Waits for ever', '  !say stuck is waiting', `  !wait-for ${never}`,
    '',
  ].join('\n');
  const started = await api.call('run.start', { name: 'retry.md', text: goal });
  assert.ok(started.ok, JSON.stringify(started));
  const { runId } = started;
  const seen = (id: string, status: string): boolean => statuses.some((s) => s.runId === runId && s.task.id === id && s.task.status === status);
  await waitFor(() => seen('flaky', 'failed'), 'the flaky task to fail');
  await waitFor(() => seen('stuck', 'running'), 'the stuck task to run');
  await assert.rejects(api.call('task.retry', { runId, taskId: 'stuck' }), (err: { code: number }) => err.code === RPC_ERROR.failed);

  await writeFile(okFile, 'now it may');
  await api.call('task.retry', { runId, taskId: 'flaky' });
  await waitFor(() => seen('flaky', 'merged'), 'the retried task to merge');
  await api.call('task.cancel', { runId, taskId: 'stuck' });
  await waitFor(() => finished?.run.runId === runId, 'the run to finish');

  const tasks = new Map(finished!.run.tasks.map((t) => [t.id, t]));
  assert.equal(finished!.run.status, 'failed');
  assert.equal(tasks.get('flaky')?.status, 'merged');
  assert.equal(tasks.get('flaky')?.attempts, 2);
  assert.equal(tasks.get('stuck')?.status, 'failed');
  assert.match(tasks.get('stuck')?.error ?? '', /cancel/);
  assert.equal(git(repo, 'show', `${finished!.run.branch}:flaky.txt`), 'ok');
  // The retried task's terminal holds both attempts, with a line between them.
  const term = await api.call('term.attach', { runId, taskId: 'flaky' });
  assert.match(term.data, /attempt 2/);
});

test('task.retry after a run ended takes the run up again: the failed task and the one blocked on it merge, and the run ends ok; a branch moved since is left alone', async () => {
  const { api } = await connect();
  const gate = join(tmp, 'late-gate');
  const statuses: Array<BridgeEventPayload<'task.status'>> = [];
  const started: string[] = [];
  const finished: Array<BridgeEventPayload<'run.finished'>> = [];
  api.on('task.status', (s) => statuses.push(s));
  api.on('run.started', (p) => started.push(p.run.runId));
  api.on('run.finished', (p) => finished.push(p));
  const goal = [
    '---', 'retries: 0', '---', '# Retry after the end', '', '## Tasks',
    '- early: Fine at once', '  !write early.txt early',
    '- gated: Needs a file first', `  !require ${gate}`, '  !write gated.txt gated',
    '- after: Builds on gated', '  after: gated', '  !write after.txt after',
    '',
  ].join('\n');
  const run = await api.call('run.start', { name: 'late.md', text: goal });
  assert.ok(run.ok, JSON.stringify(run));
  const { runId } = run;
  const endOf = (n: number): BridgeEventPayload<'run.finished'> | undefined => finished.filter((f) => f.run.runId === runId)[n];
  await waitFor(() => endOf(0) !== undefined, 'the run to end');
  const first = new Map(endOf(0)!.run.tasks.map((t) => [t.id, t.status]));
  assert.deepEqual([endOf(0)!.run.status, first.get('early'), first.get('gated'), first.get('after')], ['failed', 'merged', 'failed', 'blocked']);
  const branch = endOf(0)!.run.branch;
  const endedAt = git(repo, 'rev-parse', branch);

  // Not failed: nothing to run again, and the run stays ended.
  await assert.rejects(api.call('task.retry', { runId, taskId: 'early' }), (err: { message: string }) => /has not failed and is not blocked/.test(err.message));
  await assert.rejects(api.call('task.retry', { runId, taskId: 'nope' }), (err: { code: number }) => err.code === RPC_ERROR.notFound);
  assert.equal((await api.call('run.get', { runId })).status, 'failed');

  // A blocked task brings the failed one it waits on.
  await writeFile(gate, 'open');
  await api.call('task.retry', { runId, taskId: 'after' });
  await waitFor(() => endOf(1) !== undefined, 'the run taken up again to end');
  assert.ok(started.filter((id) => id === runId).length >= 2, 'run.started again for the run taken up');
  const second = endOf(1)!.run;
  const tasks = new Map(second.tasks.map((t) => [t.id, t]));
  assert.equal(second.status, 'ok');
  assert.deepEqual(['early', 'gated', 'after'].map((id) => tasks.get(id)?.status), ['merged', 'merged', 'merged']);
  assert.equal(tasks.get('gated')?.attempts, 2);
  assert.equal(statuses.filter((s) => s.runId === runId && s.task.id === 'early' && s.task.status === 'running').length, 1, 'the merged task did not run again');
  assert.equal(git(repo, 'show', `${branch}:gated.txt`), 'gated');
  assert.equal(git(repo, 'show', `${branch}:after.txt`), 'after');
  assert.equal(git(repo, 'rev-parse', `${branch}~2`), endedAt, 'the new merges are on top of where the run ended');
  const listed = (await api.call('runs.list', {})).runs.find((r) => r.runId === runId);
  assert.equal(listed?.status, 'ok');
  assert.match(second.report ?? '', /gated/);

  // A run whose branch moved after it ended is not taken up: the commit on it stays.
  const other = await api.call('run.start', { name: 'moved.md', text: goal.replace(`!require ${gate}`, `!require ${gate}-never`) });
  assert.ok(other.ok, JSON.stringify(other));
  await waitFor(() => finished.some((f) => f.run.runId === other.runId), 'the second run to end');
  const otherBranch = finished.find((f) => f.run.runId === other.runId)!.run.branch;
  const work = join(tmp, 'moved-work');
  git(repo, 'worktree', 'add', '--quiet', work, otherBranch);
  await writeFile(join(work, 'mine.txt'), 'my own fix');
  git(work, 'add', 'mine.txt');
  git(work, 'commit', '--quiet', '-m', 'my own fix');
  const mine = git(repo, 'rev-parse', otherBranch);
  await assert.rejects(api.call('task.retry', { runId: other.runId, taskId: 'gated' }), (err: { message: string }) => /has moved since run .* ended.*left as it is/.test(err.message));
  assert.equal(git(repo, 'rev-parse', otherBranch), mine);
  assert.equal((await api.call('run.get', { runId: other.runId })).status, 'failed');
});
