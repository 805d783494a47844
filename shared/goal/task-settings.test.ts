import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PRIORITY, taskEstimates, taskPriority, taskSession, taskTimeoutMs } from './task-settings.js';

test('a task\'s session is the goal\'s with the task\'s own options over it', () => {
  const goal = { session: { mode: 'tui' as const, model: 'sonnet', allowedTools: ['Read'] } };
  assert.deepEqual(taskSession(goal, { session: { model: 'opus', maxTurns: 3 } }), { mode: 'tui', model: 'opus', allowedTools: ['Read'], maxTurns: 3 });
  assert.deepEqual(taskSession(goal, {}), goal.session);
});

test('priority: the task\'s, else the goal\'s, else the default', () => {
  assert.equal(taskPriority({ priority: 2 }, { priority: -1 }), -1);
  assert.equal(taskPriority({ priority: 2 }, {}), 2);
  assert.equal(taskPriority({}, {}), DEFAULT_PRIORITY);
});

test('timeout: the task\'s, else the goal\'s, else none', () => {
  assert.equal(taskTimeoutMs({ timeoutMs: 60_000 }, { timeoutMs: 5_000 }), 5_000);
  assert.equal(taskTimeoutMs({ timeoutMs: 60_000 }, {}), 60_000);
  assert.equal(taskTimeoutMs({}, {}), undefined);
});

test('estimates: each task\'s own; one without weighs the median of the others; none at all when no task has one', () => {
  const tasks = (...ms: Array<number | undefined>) => ms.map((estimateMs, i) => ({ id: `t${i}`, ...(estimateMs !== undefined ? { estimateMs } : {}) }));
  assert.deepEqual([...taskEstimates({ tasks: tasks(60_000, undefined, 600_000, 120_000) })!], [['t0', 60_000], ['t1', 120_000], ['t2', 600_000], ['t3', 120_000]]);
  assert.deepEqual(taskEstimates({ tasks: tasks(60_000, undefined, 120_000) })!.get('t1'), 90_000);
  assert.equal(taskEstimates({ tasks: tasks(undefined, undefined) }), undefined);
});
