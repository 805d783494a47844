import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunView, TaskView } from '../../shared/bridge/views.js';
import { MAX_NOTE_BODY_CHARS, NotificationPolicy } from './notification-policy.js';

const task = (status: TaskView['status'], extra: Partial<TaskView> = {}): TaskView => ({ id: 'a', title: 'Add a.txt', status, ...extra });
const run = (status: RunView['status'], tasks: TaskView[]): RunView => ({
  runId: 'r1', goalName: 'goal.md', goalTitle: 'Three changes', branch: 'claudecluster/r1', base: 'main', status,
  startedAt: '2026-01-01T00:00:00Z', elapsedMs: 1, costUsd: 0, tasks,
});

test('a task needing input or failing is announced once per time it enters that status', () => {
  const p = new NotificationPolicy();
  assert.equal(p.onTaskStatus({ runId: 'r1', task: task('running') }), undefined);
  const input = p.onTaskStatus({ runId: 'r1', task: task('needs-input'), detail: 'permission to run npm test' });
  assert.deepEqual(input, { title: 'A task needs your input', body: 'a: Add a.txt — permission to run npm test', runId: 'r1', taskId: 'a' });
  assert.equal(p.onTaskStatus({ runId: 'r1', task: task('needs-input') }), undefined, 'still waiting: no second notification');
  assert.equal(p.onTaskStatus({ runId: 'r1', task: task('running') }), undefined);
  assert.ok(p.onTaskStatus({ runId: 'r1', task: task('needs-input') }), 'waiting again: announced again');
  const failed = p.onTaskStatus({ runId: 'r1', task: task('failed', { error: 'claude exited with code 1' }) });
  assert.deepEqual(failed, { title: 'A task failed', body: 'a: Add a.txt — claude exited with code 1', runId: 'r1', taskId: 'a' });
  for (const s of ['merged', 'blocked', 'queued', 'integrating'] as const) assert.equal(p.onTaskStatus({ runId: 'r1', task: task(s) }), undefined, s);
  assert.ok(p.onTaskStatus({ runId: 'r2', task: task('failed') }), 'the same task id in another run is another task');
});

test('a finished run says how it ended and where the branch is', () => {
  const p = new NotificationPolicy();
  const ok = p.onRunFinished({ run: run('ok', [task('merged'), task('merged', { id: 'b' })]) });
  assert.deepEqual(ok, { title: 'Run finished', body: 'Three changes: 2 of 2 tasks merged into claudecluster/r1', runId: 'r1' });
  const failed = p.onRunFinished({ run: run('failed', [task('merged'), task('failed', { id: 'b' })]) });
  assert.equal(failed.title, 'Run failed');
  assert.match(failed.body, /1 of 2 tasks merged/);
});

test('long texts are cut to one line of bounded length', () => {
  const p = new NotificationPolicy();
  const note = p.onTaskStatus({ runId: 'r1', task: task('failed', { error: `line one\n${'x'.repeat(1000)}` }) });
  assert.ok(note);
  assert.equal(note.body.length, MAX_NOTE_BODY_CHARS);
  assert.ok(!note.body.includes('\n'));
  assert.ok(note.body.endsWith('…'));
});
