import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AGENT_BACKOFF_BASE_MS, AGENT_BACKOFF_MAX_MS, AgentHealth, FAILURES_BEFORE_BACKOFF, RETRY_BASE_MS, RETRY_MAX_MS,
  assign, blockedTasks, criticalPath, retryDelayMs, tasksToRetry, type SchedAgent, type SchedTask,
} from './scheduler.js';

const t = (id: string, status: string, after: string[] = [], extra: Partial<SchedTask> = {}): SchedTask => ({ id, status, after, ...extra });
const agent = (id: string, slots: number, inFlight = 0, extra: Partial<SchedAgent> = {}): SchedAgent => ({ id, slots, inFlight, ...extra });
const NOW = 1_000_000;

test('ready tasks go out in goal order, spread over the agent with most free slots', () => {
  const tasks = [t('a', 'waiting'), t('b', 'waiting'), t('c', 'waiting', ['a']), t('d', 'waiting')];
  const agents = [agent('x', 2), agent('y', 2, 1)];
  assert.deepEqual(assign(tasks, agents), [{ taskId: 'a', agentId: 'x' }, { taskId: 'b', agentId: 'x' }, { taskId: 'd', agentId: 'y' }]);
});

test('spread: each task goes to the agent with the most free slots, the earlier one of equals', () => {
  const tasks = ['a', 'b', 'c', 'd', 'e'].map((id) => t(id, 'waiting'));
  const agents = [agent('x', 2), agent('y', 3), agent('z', 2, 1)];
  assert.deepEqual(assign(tasks, agents).map((p) => p.agentId), ['y', 'x', 'y', 'x', 'y']);
});

test('a task goes to an agent that already has its base while that one has a free slot', () => {
  const agents = [agent('x', 3), agent('y', 1)];
  // y has b's base: b goes there although x has more free slots; c's preferred agent is full, so spread.
  const tasks = [t('b', 'waiting', [], { preferAgents: ['y'] }), t('c', 'waiting', [], { preferAgents: ['y'] })];
  assert.deepEqual(assign(tasks, agents), [{ taskId: 'b', agentId: 'y' }, { taskId: 'c', agentId: 'x' }]);
  // A preference never overrides avoidance.
  assert.deepEqual(assign([t('d', 'waiting', [], { preferAgents: ['y'], avoidAgents: ['y'] })], agents), [{ taskId: 'd', agentId: 'x' }]);
});

test('a task waits until every dependency has merged', () => {
  const agents = [agent('x', 4)];
  assert.deepEqual(assign([t('a', 'running'), t('c', 'waiting', ['a'])], agents), []);
  assert.deepEqual(assign([t('a', 'merged'), t('c', 'waiting', ['a'])], agents), [{ taskId: 'c', agentId: 'x' }]);
});

test('nothing is assigned without free slots', () => {
  assert.deepEqual(assign([t('a', 'waiting')], [agent('x', 1, 1)]), []);
  assert.deepEqual(assign([t('a', 'waiting')], []), []);
});

test('the longest remaining chain goes first: critical path beats goal order', () => {
  // b heads b → c → d; a is alone. One slot: b first although a comes first in the goal.
  const tasks = [t('a', 'waiting'), t('b', 'waiting'), t('c', 'waiting', ['b']), t('d', 'waiting', ['c'])];
  assert.deepEqual(assign(tasks, [agent('x', 1)]), [{ taskId: 'b', agentId: 'x' }]);
});

test('the critical path is weighted by estimateMs, over tasks still to run', () => {
  // a → c (c is long) beats b → d → e (short ones); merged and failed tasks do not count.
  const tasks = [
    t('a', 'waiting'), t('b', 'waiting'), t('c', 'waiting', ['a'], { estimateMs: 5000 }),
    t('d', 'waiting', ['b'], { estimateMs: 100 }), t('e', 'waiting', ['d'], { estimateMs: 100 }),
  ];
  assert.deepEqual(assign(tasks, [agent('x', 1)]).map((p) => p.taskId), ['a']);
  const settled = [t('m', 'merged'), t('f', 'failed', [], { estimateMs: 9000 }), t('a', 'waiting', ['m']), t('b', 'waiting'), t('c', 'waiting', ['b'])];
  assert.deepEqual(assign(settled, [agent('x', 1)]).map((p) => p.taskId), ['b']);
});

test('priority beats the critical path', () => {
  const tasks = [t('a', 'waiting'), t('b', 'waiting', [], { priority: 1 }), t('c', 'waiting', ['a']), t('d', 'waiting', ['c'])];
  assert.deepEqual(assign(tasks, [agent('x', 2)]).map((p) => p.taskId), ['b', 'a']);
  assert.deepEqual(assign([t('a', 'waiting', [], { priority: -1 }), t('b', 'waiting')], [agent('x', 1)]).map((p) => p.taskId), ['b']);
});

test('a task goes to an agent it did not fail on, even with fewer free slots', () => {
  const tasks = [t('a', 'waiting', [], { avoidAgents: ['x'] }), t('b', 'waiting')];
  assert.deepEqual(assign(tasks, [agent('x', 3), agent('y', 1)]), [{ taskId: 'a', agentId: 'y' }, { taskId: 'b', agentId: 'x' }]);
});

test('an avoiding task waits while the other agents are busy; later tasks take the free slot', () => {
  const tasks = [t('a', 'waiting', [], { avoidAgents: ['x'], priority: 1 }), t('b', 'waiting')];
  assert.deepEqual(assign(tasks, [agent('x', 1), agent('y', 1, 1)]), [{ taskId: 'b', agentId: 'x' }]);
  // A backed-off agent still exists: the task waits for it rather than going back to x.
  assert.deepEqual(assign([tasks[0]!], [agent('x', 1), agent('y', 1, 0, { backedOffUntil: NOW + 1 })], NOW), []);
});

test('a task may go back to an agent it avoids when every agent is one', () => {
  const tasks = [t('a', 'waiting', [], { avoidAgents: ['x', 'y'] })];
  assert.deepEqual(assign(tasks, [agent('x', 1, 1), agent('y', 1)]), [{ taskId: 'a', agentId: 'y' }]);
  assert.deepEqual(assign([t('a', 'waiting', [], { avoidAgents: ['x'] })], [agent('x', 1)]), [{ taskId: 'a', agentId: 'x' }]);
});

test('backed-off agents get nothing until their time has passed', () => {
  const tasks = [t('a', 'waiting'), t('b', 'waiting')];
  const agents = [agent('x', 2, 0, { backedOffUntil: NOW + 1 }), agent('y', 1)];
  assert.deepEqual(assign(tasks, agents, NOW), [{ taskId: 'a', agentId: 'y' }]);
  assert.deepEqual(assign(tasks, agents, NOW + 1).map((p) => p.agentId), ['x', 'x']);
});

test('a task is not ready before its notBefore time', () => {
  const tasks = [t('a', 'waiting', [], { notBefore: NOW + 500 }), t('b', 'waiting')];
  assert.deepEqual(assign(tasks, [agent('x', 2)], NOW).map((p) => p.taskId), ['b']);
  assert.deepEqual(assign(tasks, [agent('x', 2)], NOW + 500).map((p) => p.taskId), ['a', 'b']);
});

test('dependents of a failed task are blocked, transitively', () => {
  const tasks = [t('a', 'failed'), t('b', 'waiting', ['a']), t('c', 'waiting', ['b']), t('d', 'waiting')];
  assert.deepEqual(blockedTasks(tasks).sort(), ['b', 'c']);
});

test('criticalPath: the longest chain and its length, by measured durations or estimates', () => {
  const tasks = [t('a', 'merged'), t('b', 'merged'), t('c', 'merged', ['a', 'b']), t('d', 'merged', ['c']), t('e', 'merged', ['a'])];
  assert.deepEqual(criticalPath(tasks), { ids: ['a', 'c', 'd'], length: 3 });
  const measured = new Map([['a', 100], ['b', 400], ['c', 50], ['d', 50], ['e', 300]]);
  assert.deepEqual(criticalPath(tasks, measured), { ids: ['b', 'c', 'd'], length: 500 });
  const estimated = tasks.map((x) => ({ ...x, estimateMs: x.id === 'e' ? 1000 : 10 }));
  assert.deepEqual(criticalPath(estimated), { ids: ['a', 'e'], length: 1010 });
  assert.deepEqual(criticalPath([]), { ids: [], length: 0 });
});

test('criticalPath ignores unknown dependencies and survives a cycle', () => {
  assert.deepEqual(criticalPath([t('a', 'waiting', ['gone']), t('b', 'waiting', ['a'])]), { ids: ['a', 'b'], length: 2 });
  const cyclic = criticalPath([t('a', 'waiting', ['b']), t('b', 'waiting', ['a']), t('c', 'waiting')]);
  assert.equal(cyclic.length, 1);
});

test('AgentHealth backs an agent off after consecutive failures, doubling up to the cap', () => {
  let now = NOW;
  const health = new AgentHealth({ clock: () => now });
  for (let i = 1; i < FAILURES_BEFORE_BACKOFF; i++) assert.equal(health.failure('x'), undefined);
  assert.equal(health.backedOffUntil('x'), undefined);
  assert.equal(health.failure('x'), NOW + AGENT_BACKOFF_BASE_MS);
  assert.equal(health.backedOffUntil('x'), NOW + AGENT_BACKOFF_BASE_MS);
  assert.equal(health.backedOffUntil('y'), undefined);
  // A failure of a task started before the backoff is the same episode.
  assert.equal(health.failure('x'), NOW + AGENT_BACKOFF_BASE_MS);
  now += AGENT_BACKOFF_BASE_MS;
  assert.equal(health.backedOffUntil('x'), undefined);
  let expected = AGENT_BACKOFF_BASE_MS;
  for (let round = 0; round < 8; round++) {
    expected = Math.min(AGENT_BACKOFF_MAX_MS, expected * 2);
    for (let i = 1; i < FAILURES_BEFORE_BACKOFF; i++) assert.equal(health.failure('x'), undefined);
    assert.equal(health.failure('x'), now + expected, `round ${round}`);
    now += expected;
  }
  assert.equal(expected, AGENT_BACKOFF_MAX_MS);
});

test('AgentHealth: a success clears the failures and the doubling', () => {
  let now = NOW;
  const health = new AgentHealth({ clock: () => now, failuresBeforeBackoff: 2, baseMs: 100, maxMs: 1000 });
  health.failure('x');
  health.success('x');
  assert.equal(health.failure('x'), undefined, 'the count restarted');
  assert.equal(health.failure('x'), now + 100);
  now += 100;
  health.failure('x');
  assert.equal(health.failure('x'), now + 200);
  health.success('x');
  assert.equal(health.backedOffUntil('x'), undefined, 'a success ends the backoff');
  health.failure('x');
  assert.equal(health.failure('x'), now + 100, 'back to the base time');
});

test('retryDelayMs doubles from the base up to the cap', () => {
  assert.equal(retryDelayMs(1), RETRY_BASE_MS);
  assert.equal(retryDelayMs(2), 2 * RETRY_BASE_MS);
  assert.equal(retryDelayMs(3), 4 * RETRY_BASE_MS);
  assert.equal(retryDelayMs(1000), RETRY_MAX_MS);
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 10, 50)), [10, 20, 40, 50, 50]);
});

test('with many more ready tasks than slots, each agent also gets its queue-ahead tasks once every slot is taken', () => {
  const tasks = Array.from({ length: 10 }, (_, i) => t(`t${i}`, 'waiting'));
  const agents = [agent('x', 2, 0, { queue: 1 }), agent('y', 2, 2, { queue: 1 })];
  const plan = assign(tasks, agents);
  // x: 2 free slots + 1 ahead; y: full, 1 ahead.
  assert.deepEqual(plan.map((p) => p.agentId), ['x', 'x', 'x', 'y']);
  // An agent already holding its queue-ahead task gets no more.
  assert.deepEqual(assign(tasks, [agent('x', 2, 3, { queue: 1 })]), []);
});

test('near the end (fewer ready tasks left than slots) nothing is queued ahead: it could wait while another slot idles', () => {
  const tasks = ['a', 'b', 'c'].map((id) => t(id, 'waiting'));
  const agents = [agent('x', 2, 2, { queue: 1 }), agent('y', 2, 2, { queue: 1 })];
  assert.deepEqual(assign(tasks, agents), []);
});

test('nothing is queued ahead that ranks below a task not ready yet: that one may be ready when the slot frees', () => {
  // c waits on running a and has the longer chain ahead (c → d); the w tasks have none.
  const tasks = [t('a', 'running'), t('c', 'waiting', ['a']), t('d', 'waiting', ['c']), ...Array.from({ length: 8 }, (_, i) => t(`w${i}`, 'waiting'))];
  assert.deepEqual(assign(tasks, [agent('x', 2, 2, { queue: 1 }), agent('y', 2, 2, { queue: 1 })]), []);
  // A ready task with as long a chain as c's is queued ahead.
  const long = [...tasks, t('e', 'waiting'), t('f', 'waiting', ['e']), t('g', 'waiting', ['f'])];
  assert.deepEqual(assign(long, [agent('x', 2, 2, { queue: 1 }), agent('y', 2, 2, { queue: 1 })]).map((p) => p.taskId), ['e']);
});

test('an agent that failed a task is in doubt until it succeeds again', () => {
  const health = new AgentHealth({ clock: () => NOW });
  assert.equal(health.inDoubt('x'), false);
  health.failure('x');
  assert.equal(health.inDoubt('x'), true);
  health.success('x');
  assert.equal(health.inDoubt('x'), false);
});

test('an early start goes only to the agent that has its dependency\'s result, and only to a free slot there', () => {
  const early = (id: string): SchedTask => t(id, 'waiting', ['a'], { early: true, preferAgents: ['y'] });
  const tasks = [t('a', 'running'), early('b'), early('c'), ...Array.from({ length: 8 }, (_, i) => t(`w${i}`, 'waiting'))];
  const plan = assign(tasks, [agent('x', 2, 0, { queue: 1 }), agent('y', 1, 0, { queue: 1 })]);
  // b takes y's one free slot; c is never placed on x nor queued behind b on y.
  assert.deepEqual(plan.filter((p) => p.taskId === 'b' || p.taskId === 'c'), [{ taskId: 'b', agentId: 'y' }]);
});

test('an early start from a result already fetched goes to its maker first, else to any free slot, and is never queued', () => {
  const spread = (id: string): SchedTask => t(id, 'waiting', ['a'], { early: true, spread: true, preferAgents: ['y'] });
  const tasks = [t('a', 'integrating'), spread('b'), spread('c'), spread('d')];
  // y's one free slot goes to b; c goes to x; d finds no free slot and is not queued anywhere.
  assert.deepEqual(assign(tasks, [agent('x', 1, 0, { queue: 1 }), agent('y', 1, 0, { queue: 1 })]), [{ taskId: 'b', agentId: 'y' }, { taskId: 'c', agentId: 'x' }]);
});

test('a chained start goes to its dependency\'s agent with no free slot there, takes none from others, and waits while that agent is backed off', () => {
  const chained = t('b', 'waiting', ['a'], { early: true, chain: 'a', preferAgents: ['y'] });
  const tasks = [t('a', 'running'), chained, t('w', 'waiting')];
  // y's one slot is a's; x has one free, which w takes.
  assert.deepEqual(assign(tasks, [agent('x', 1, 0), agent('y', 1, 1)]), [{ taskId: 'b', agentId: 'y' }, { taskId: 'w', agentId: 'x' }]);
  assert.deepEqual(assign(tasks, [agent('x', 1, 0), agent('y', 1, 1, { backedOffUntil: NOW + 1 })], NOW), [{ taskId: 'w', agentId: 'x' }]);
  assert.deepEqual(assign([t('a', 'running'), { ...chained, avoidAgents: ['y'] }], [agent('y', 1, 1)]), [], 'nor to an agent it failed on');
});

test('a task is chained only while nothing ranking above it may want the slot its dependency frees', () => {
  const chained = (id: string, dep: string, agentId: string): SchedTask => t(id, 'waiting', [dep], { early: true, chain: dep, preferAgents: [agentId] });
  const agents = [agent('x', 1, 1), agent('y', 1, 1)];
  // c waits on running d and on running e (so it cannot be chained) and has the longest chain ahead: b must leave a's slot to it.
  const running = [t('a', 'running'), t('d', 'running'), t('e', 'running')];
  const ahead = [t('c', 'waiting', ['d', 'e']), t('f', 'waiting', ['c']), t('g', 'waiting', ['f'])];
  assert.deepEqual(assign([...running, chained('b', 'a', 'x'), ...ahead], agents), []);
  // With c's dependencies not all started yet (h is chained after e, not started), or with c ranking no higher, b is chained.
  const later = [chained('h', 'e', 'y'), chained('b', 'a', 'x'), t('c', 'waiting', ['d', 'h']), t('f', 'waiting', ['c'])];
  assert.deepEqual(assign([...running, ...later], agents), [{ taskId: 'h', agentId: 'y' }, { taskId: 'b', agentId: 'x' }]);
  assert.deepEqual(assign([...running, chained('b', 'a', 'x'), t('c', 'waiting', ['d', 'e'])], agents), [{ taskId: 'b', agentId: 'x' }]);
  // Two after a: the one with the longer chain ahead is chained; the other then ranks above k, chained after d, which waits.
  const two = [...running, chained('b1', 'a', 'x'), t('b1n', 'waiting', ['b1']), t('b1m', 'waiting', ['b1n']), chained('b2', 'a', 'x'), t('b2n', 'waiting', ['b2']), chained('k', 'd', 'y')];
  assert.deepEqual(assign(two, agents), [{ taskId: 'b1', agentId: 'x' }]);
});

test('a join chained after the one of its dependencies still at work claims that one\'s slot, not the first it lists', () => {
  // a has reported (its result waits to merge) and b is at work on y: c is chained after b, as d is.
  const tasks = [t('a', 'integrating'), t('b', 'running'), t('c', 'waiting', ['a', 'b'], { early: true, chain: 'b', preferAgents: ['y'], estimateMs: 5 }), t('d', 'waiting', ['b'], { early: true, chain: 'b', preferAgents: ['y'] })];
  assert.deepEqual(assign(tasks, [agent('x', 1, 1), agent('y', 1, 1)]), [{ taskId: 'c', agentId: 'y' }]);
});

test('a retry takes the failed task, the failed and blocked ones it waits on, and the blocked ones after them', () => {
  const tasks = [t('a', 'failed'), t('b', 'blocked', ['a']), t('c', 'blocked', ['b']), t('d', 'merged'), t('e', 'failed', ['d']), t('f', 'waiting')];
  assert.deepEqual([...tasksToRetry(tasks, 'b')!].sort(), ['a', 'b', 'c']);
  assert.deepEqual([...tasksToRetry(tasks, 'e')!], ['e']);
  assert.equal(tasksToRetry(tasks, 'f'), undefined);
  assert.equal(tasksToRetry(tasks, 'nope'), undefined);
});

test('a task never goes to an agent that refused it, even when that agent is the only one free', () => {
  const tasks = [{ id: 'a', after: [], status: 'waiting', refusedBy: ['x'] }, { id: 'b', after: [], status: 'waiting' }];
  const agents = [{ id: 'x', slots: 2, inFlight: 0 }, { id: 'y', slots: 1, inFlight: 1 }];
  assert.deepEqual(assign(tasks, agents), [{ taskId: 'b', agentId: 'x' }]);
  assert.deepEqual(assign(tasks, [{ id: 'x', slots: 2, inFlight: 0, queue: 4 }]), [{ taskId: 'b', agentId: 'x' }]);
});
