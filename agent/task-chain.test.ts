import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskResult, TaskSpec } from '../shared/protocol/control.js';
import { chainStart, nextInQueue } from './task-chain.js';
import type { Task } from './task.js';

const oid = (c: string): string => c.repeat(40);

function task(id: string, extra: Omit<Partial<Task>, 'spec'> & { spec?: Partial<TaskSpec> } = {}): Task {
  const { spec, ...rest } = extra;
  return { key: id, owner: 'driver', state: 'working', results: [], spec: { runId: 'r', taskId: id, base: oid('0'), ...spec }, ...rest } as unknown as Task;
}

const result = (r: Partial<TaskResult>): TaskResult => ({ ok: true, commit: null, turn: 1, ...r }) as TaskResult;

test('a chained task waits while its dependency works, then starts from its first result with a commit', () => {
  const dep = task('a');
  const spec = task('b', { spec: { chainAfter: 'a' } }).spec;
  assert.equal(chainStart(dep, spec), 'wait');
  dep.results.push(result({ commit: oid('c') }), result({ commit: oid('d'), turn: 2 }));
  assert.deepEqual(chainStart(dep, spec), { commit: oid('c'), checkout: true }, 'same base as its dependency: checked out');
  assert.deepEqual(chainStart(dep, { ...spec, base: oid('1') }), { commit: oid('c'), checkout: false }, 'another base: merged in');
  dep.startedFrom = oid('1');
  assert.deepEqual(chainStart(dep, { ...spec, base: oid('1') }), { commit: oid('c'), checkout: true }, 'where the dependency started: checked out');
});

test('a chained task can never start when its dependency failed, was cancelled, or reported no commit', () => {
  const spec = task('b', { spec: { chainAfter: 'a' } }).spec;
  assert.equal(chainStart(task('a', { results: [result({ ok: false })] }), spec), 'never');
  assert.equal(chainStart(task('a', { results: [result({ commit: null })] }), spec), 'never');
  for (const state of ['failed', 'cancelled', 'exited'] as const) assert.equal(chainStart(task('a', { state }), spec), 'never');
});

test('the queue starts a chained task whose start is settled first, and skips those still waiting', () => {
  const plain = task('p');
  const waiting = task('w', { spec: { chainAfter: 'x' } });
  const settled = task('s', { spec: { chainAfter: 'y' }, chainFrom: { commit: oid('c'), checkout: true } });
  assert.equal(nextInQueue([waiting, plain, settled]), 2);
  assert.equal(nextInQueue([waiting, plain]), 1);
  assert.equal(nextInQueue([waiting]), -1);
  assert.equal(nextInQueue([]), -1);
});
