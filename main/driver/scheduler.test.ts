import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assign, blockedTasks } from './scheduler.js';

const t = (id: string, status: string, after: string[] = []) => ({ id, status, after });

test('ready tasks go out in goal order, spread over the agent with most free slots', () => {
  const tasks = [t('a', 'waiting'), t('b', 'waiting'), t('c', 'waiting', ['a']), t('d', 'waiting')];
  const agents = [{ id: 'x', slots: 2, inFlight: 0 }, { id: 'y', slots: 2, inFlight: 1 }];
  assert.deepEqual(assign(tasks, agents), [{ taskId: 'a', agentId: 'x' }, { taskId: 'b', agentId: 'x' }, { taskId: 'd', agentId: 'y' }]);
});

test('a task waits until every dependency has merged', () => {
  const agents = [{ id: 'x', slots: 4, inFlight: 0 }];
  assert.deepEqual(assign([t('a', 'running'), t('c', 'waiting', ['a'])], agents), []);
  assert.deepEqual(assign([t('a', 'merged'), t('c', 'waiting', ['a'])], agents), [{ taskId: 'c', agentId: 'x' }]);
});

test('nothing is assigned without free slots', () => {
  assert.deepEqual(assign([t('a', 'waiting')], [{ id: 'x', slots: 1, inFlight: 1 }]), []);
  assert.deepEqual(assign([t('a', 'waiting')], []), []);
});

test('dependents of a failed task are blocked, transitively', () => {
  const tasks = [t('a', 'failed'), t('b', 'waiting', ['a']), t('c', 'waiting', ['b']), t('d', 'waiting')];
  assert.deepEqual(blockedTasks(tasks).sort(), ['b', 'c']);
});
