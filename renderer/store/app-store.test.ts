import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BridgeApi, BridgeEvent, BridgeEventPayload, BridgeMethod, BridgeParams, BridgeResult, GoalCheck } from '../../shared/bridge/contract.js';
import type { AgentView } from '../../shared/bridge/agents.js';
import type { RunView, TaskView } from '../../shared/bridge/views.js';
import { createAppStore, loadInitialState, wireBridgeEvents } from './app-store.js';
import { elapsedOf } from './run-slice.js';

type Handlers = { [M in BridgeMethod]?: (params: BridgeParams<M>) => BridgeResult<M> | Promise<BridgeResult<M>> };

/** A BridgeApi answering from the test's handlers, recording calls, and emitting events on demand. */
function fakeBridge(handlers: Handlers) {
  const calls: { method: string; params: unknown }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api: BridgeApi = {
    call: async (method, params) => {
      calls.push({ method, params });
      const h = handlers[method] as ((p: unknown) => unknown) | undefined;
      if (!h) throw new Error(`no handler for ${method}`);
      return (await h(params)) as never;
    },
    on: (event, handler) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(handler as (p: unknown) => void);
      return () => set.delete(handler as (p: unknown) => void);
    },
  };
  const emit = <E extends BridgeEvent>(event: E, payload: BridgeEventPayload<E>): void => {
    for (const h of listeners.get(event) ?? []) h(payload);
  };
  return { api, calls, emit, listeners };
}

const task = (id: string, status: TaskView['status'], extra: Partial<TaskView> = {}): TaskView => ({ id, title: `Task ${id}`, status, ...extra });
const run = (tasks: TaskView[], extra: Partial<RunView> = {}): RunView => ({
  runId: 'r1', goalName: 'goal.md', goalTitle: 'Goal', branch: 'claudecluster/r1', base: 'main', status: 'running',
  startedAt: '2026-01-01T00:00:00.000Z', elapsedMs: 1000, costUsd: 0, tasks, ...extra,
});
const agent = (peerId: string, extra: Partial<AgentView> = {}): AgentView => ({
  peerId, name: peerId, fingerprint: 'ab:cd', addrs: [], paired: true, connected: true, local: false,
  slots: 2, slotsInUse: 0, claudeVersion: '2.1.0', loggedIn: true, health: 'ready', ...extra,
});
const okCheck = (hasTaskList: boolean, text: string): GoalCheck => ({
  ok: true, name: 'g.md', text, title: 'G', hasTaskList, tasks: hasTaskList ? [{ id: 'a', title: 'A', after: [], prompt: 'do a' }] : [],
  criticalPath: { ids: hasTaskList ? ['a'] : [] },
});

test('task.status updates the live run by id and gives an active task a pane', () => {
  const b = fakeBridge({});
  const store = createAppStore(b.api);
  wireBridgeEvents(store, b.api);
  b.emit('run.started', { run: run([task('a', 'queued'), task('b', 'waiting', { after: ['a'] })]) });
  b.emit('task.status', { runId: 'r1', task: task('a', 'running', { agent: 'box' }) });
  b.emit('task.status', { runId: 'r1', task: task('a', 'needs-input', { agent: 'box' }), detail: 'permission' });
  const live = store.getState().live;
  assert.equal(live?.tasks.a?.status, 'needs-input');
  assert.equal(live?.details.a, 'permission');
  assert.deepEqual(live?.order, ['a', 'b']);
  assert.deepEqual(live?.panes, ['a']);
});

test('elapsed time grows between updates while the run goes on, and stops when it ends', () => {
  let now = 10_000;
  const b = fakeBridge({});
  const store = createAppStore(b.api, { now: () => now });
  wireBridgeEvents(store, b.api);
  b.emit('run.started', { run: run([], { elapsedMs: 1000 }) });
  now += 4000;
  assert.equal(elapsedOf(store.getState().live!, now), 5000);
  b.emit('run.finished', { run: run([], { elapsedMs: 4500, status: 'ok' }) });
  now += 60_000;
  assert.equal(elapsedOf(store.getState().live!, now), 4500);
});

test('a finished task keeps its pane until dismissed; a live one cannot be dismissed', () => {
  const b = fakeBridge({});
  const store = createAppStore(b.api);
  wireBridgeEvents(store, b.api);
  b.emit('run.started', { run: run([task('a', 'running'), task('b', 'running')]) });
  store.getState().dismissPane('a');
  assert.deepEqual(store.getState().live?.panes, ['a', 'b']);
  b.emit('task.status', { runId: 'r1', task: task('a', 'merged') });
  store.getState().dismissPane('a');
  assert.deepEqual(store.getState().live?.panes, ['b']);
});

test('events about another run fetch that run once', async () => {
  const b = fakeBridge({ 'run.get': ({ runId }) => run([task('x', 'running')], { runId }) });
  const store = createAppStore(b.api);
  wireBridgeEvents(store, b.api);
  b.emit('task.status', { runId: 'r2', task: task('x', 'running') });
  b.emit('task.status', { runId: 'r2', task: task('x', 'running') });
  await waitFor(() => store.getState().live?.run.runId === 'r2');
  assert.equal(b.calls.filter((c) => c.method === 'run.get').length, 1);
});

test('the initial load reads app info, agents, settings, history and the run in progress', async () => {
  const b = fakeBridge({
    'app.info': () => ({ version: '1.0.0', repo: '/repo', peerId: 'me', shell: 'browser' }),
    'agents.list': () => ({ agents: [agent('p1')] }),
    'settings.get': () => ({ version: 1, theme: 'dark', localSlots: 2, session: {}, knownAgents: [], repo: null }),
    'runs.list': () => ({ runs: [{ runId: 'r1', goalTitle: 'G', repo: '/repo', branch: 'b', status: 'running', startedAt: 'x', tasks: { total: 1, merged: 0, failed: 0, blocked: 0 }, costUsd: 0 }] }),
    'run.get': () => run([task('a', 'running')]),
  });
  const store = createAppStore(b.api);
  await loadInitialState(store);
  const s = store.getState();
  assert.equal(s.appInfo?.peerId, 'me');
  assert.equal(s.agents[0]?.peerId, 'p1');
  assert.equal(s.settings?.theme, 'dark');
  assert.equal(s.history.runs.length, 1);
  assert.equal(s.live?.run.runId, 'r1');
  assert.deepEqual(s.notices, []);
});

test('a goal with a task list is checked and shown for review; Start starts it', async () => {
  const b = fakeBridge({
    'goal.check': ({ text }) => okCheck(true, text),
    'run.start': () => ({ ok: true, runId: 'r9' }),
    'run.get': ({ runId }) => run([task('a', 'queued')], { runId }),
  });
  const store = createAppStore(b.api);
  await store.getState().openGoal('g.md', '# G\n## Tasks\n- a: A');
  assert.equal(store.getState().goal.phase, 'review');
  assert.equal(store.getState().goal.checked?.tasks.length, 1);
  assert.equal(await store.getState().startRun(), 'r9');
  assert.equal(store.getState().goal.phase, 'idle');
  await waitFor(() => store.getState().live?.run.runId === 'r9');
  assert.deepEqual(b.calls.map((c) => c.method), ['goal.check', 'run.start', 'run.get']);
});

test('a goal opened by the desktop shell (goal.opened) is checked and shown for review, as a dropped one', async () => {
  const b = fakeBridge({ 'goal.check': ({ text }) => okCheck(true, text) });
  const store = createAppStore(b.api);
  wireBridgeEvents(store, b.api);
  b.emit('goal.opened', { name: 'opened.md', text: '# G\n## Tasks\n- a: A' });
  await waitFor(() => store.getState().goal.phase === 'review');
  assert.deepEqual(b.calls.map((c) => [c.method, (c.params as { name?: string }).name]), [['goal.check', 'opened.md']]);
});

test('a goal without a task list is planned, and the planned text replaces it', async () => {
  const b = fakeBridge({
    'goal.check': ({ text }) => okCheck(false, text),
    'goal.plan': () => okCheck(true, '# G\n## Tasks\n- a: A'),
  });
  const store = createAppStore(b.api);
  await store.getState().openGoal('g.md', '# G\nmake it so');
  const goal = store.getState().goal;
  assert.equal(goal.phase, 'review');
  assert.equal(goal.text, '# G\n## Tasks\n- a: A');
  assert.equal(goal.checked?.hasTaskList, true);
});

test('while its goal is planned, the planner named by goal.planning is watched; another goal\'s planner is not', async () => {
  let release: (() => void) | undefined;
  const b = fakeBridge({
    'goal.check': ({ text }) => okCheck(false, text),
    'goal.plan': async () => {
      await new Promise<void>((r) => { release = r; });
      return okCheck(true, '# G\n## Tasks\n- a: A');
    },
  });
  const store = createAppStore(b.api);
  wireBridgeEvents(store, b.api);
  const opened = store.getState().openGoal('g.md', '# G\nmake it so');
  await waitFor(() => store.getState().goal.phase === 'planning' && release !== undefined);
  b.emit('goal.planning', { planId: 'p-other', name: 'other.md' });
  assert.equal(store.getState().goal.planId, null, 'another page\'s goal');
  b.emit('goal.planning', { planId: 'p-1', name: 'g.md' });
  assert.equal(store.getState().goal.planId, 'p-1');
  release!();
  await opened;
  assert.equal(store.getState().goal.phase, 'review');
  assert.equal(store.getState().goal.planId, null, 'the plan is back: nothing to watch');
});

test('a finished run\'s pull request: what came of it is kept for its run; a refusal is kept as the error', async () => {
  const b = fakeBridge({
    'run.pullRequest': ({ runId }) => {
      if (runId === 'bad') throw new Error('run bad did not merge every task');
      return { status: 'not-pushed', reason: 'the repository has no remote to push to', instructions: ['git remote add origin URL'] };
    },
  });
  const store = createAppStore(b.api);
  const asked = store.getState().openPullRequest('r1');
  assert.deepEqual(store.getState().pullRequest, { runId: 'r1', busy: true });
  await asked;
  assert.equal(store.getState().pullRequest?.result?.status, 'not-pushed');
  assert.deepEqual(store.getState().pullRequest?.result?.instructions, ['git remote add origin URL']);
  await store.getState().openPullRequest('bad');
  assert.deepEqual(store.getState().pullRequest, { runId: 'bad', busy: false, error: 'run bad did not merge every task' });
});

test('goal problems are kept with their line numbers; a refused start shows its problems', async () => {
  const b = fakeBridge({
    'goal.check': ({ text }) => (text.includes('bad') ? { ok: false, name: 'g.md', problems: [{ line: 7, message: 'unknown dependency "zz"' }] } : okCheck(true, text)),
    'run.start': () => ({ ok: false, problems: [{ line: 3, message: 'cycle' }] }),
  });
  const store = createAppStore(b.api);
  await store.getState().openGoal('g.md', 'bad');
  assert.equal(store.getState().goal.phase, 'invalid');
  assert.deepEqual(store.getState().goal.problems, [{ line: 7, message: 'unknown dependency "zz"' }]);
  store.getState().editGoal('good');
  assert.equal(store.getState().goal.edited, true);
  await store.getState().checkGoal();
  assert.equal(store.getState().goal.phase, 'review');
  assert.equal(await store.getState().startRun(), null);
  assert.deepEqual(store.getState().goal.problems, [{ line: 3, message: 'cycle' }]);
});

test('an answer for a goal that was replaced meanwhile is ignored', async () => {
  let release: (() => void) | undefined;
  const b = fakeBridge({
    'goal.check': async ({ name, text }) => {
      if (name === 'first.md') await new Promise<void>((r) => { release = r; });
      return { ...okCheck(true, text), name };
    },
  });
  const store = createAppStore(b.api);
  const first = store.getState().openGoal('first.md', 'one');
  await store.getState().openGoal('second.md', 'two');
  release?.();
  await first;
  assert.equal(store.getState().goal.name, 'second.md');
  assert.equal(store.getState().goal.checked?.name, 'second.md');
});

test('pairing: success adds the agent, a refused code is shown, agents.changed replaces the list', async () => {
  const b = fakeBridge({
    'agents.pair': ({ code }) => {
      if (code !== '123-456') throw new Error('wrong pairing code');
      return { agent: agent('p2') };
    },
  });
  const store = createAppStore(b.api);
  wireBridgeEvents(store, b.api);
  assert.equal(await store.getState().pairAgent(' /ip4/10.0.0.2/tcp/4001 ', '000'), false);
  assert.equal(store.getState().pairing.error, 'wrong pairing code');
  assert.equal(await store.getState().pairAgent('/ip4/10.0.0.2/tcp/4001', '123-456'), true);
  assert.deepEqual(store.getState().agents.map((a) => a.peerId), ['p2']);
  assert.deepEqual(b.calls[0]?.params, { addr: '/ip4/10.0.0.2/tcp/4001', code: '000' });
  b.emit('agents.changed', { agents: [agent('p2'), agent('p3', { paired: false, health: 'unpaired' })] });
  assert.equal(store.getState().agents.length, 2);
});

test('failed calls become error notices, but not once the bridge is gone', async () => {
  const b = fakeBridge({ 'run.cancel': () => { throw new Error('no such run'); } });
  const store = createAppStore(b.api);
  wireBridgeEvents(store, b.api);
  b.emit('run.started', { run: run([]) });
  await store.getState().cancelRun();
  assert.deepEqual(store.getState().notices.map((n) => [n.level, n.message]), [['error', 'Could not cancel the run: no such run']]);
  store.getState().setDisconnected('socket closed');
  await store.getState().cancelRun();
  assert.equal(store.getState().notices.length, 1);
  b.emit('notice', { level: 'warning', message: 'agent box backed off', taskId: 'a' });
  assert.equal(store.getState().notices[1]?.taskId, 'a');
});

test('jump to input cycles through the waiting tasks and shows the terminals', () => {
  const b = fakeBridge({});
  const store = createAppStore(b.api);
  wireBridgeEvents(store, b.api);
  b.emit('run.started', { run: run([task('a', 'needs-input'), task('b', 'running'), task('c', 'needs-input')]) });
  assert.equal(store.getState().jumpToInput(), 'a');
  assert.equal(store.getState().view, 'terminals');
  assert.equal(store.getState().jumpToInput(), 'c');
  assert.equal(store.getState().jumpToInput(), 'a');
  store.getState().maximizePane('b');
  assert.equal(store.getState().jumpToInput(), 'c');
  assert.equal(store.getState().maximizedTaskId, 'c', 'the waiting pane replaces the maximized one');
});

test('settings are saved through the bridge and the answer is kept', async () => {
  const saved = { version: 1 as const, theme: 'light' as const, localSlots: 4, session: { mode: 'tui' as const }, knownAgents: [], repo: null };
  const b = fakeBridge({ 'settings.set': () => saved });
  const store = createAppStore(b.api);
  assert.equal(await store.getState().saveSettings({ theme: 'light', localSlots: 4 }), true);
  assert.deepEqual(store.getState().settings, saved);
  assert.deepEqual(b.calls[0], { method: 'settings.set', params: { theme: 'light', localSlots: 4 } });
});

test('opening a past run shows it read-only in the run view', async () => {
  const b = fakeBridge({ 'run.get': ({ runId }) => run([task('a', 'merged')], { runId, status: 'ok', report: '# Report' }) });
  const store = createAppStore(b.api);
  store.getState().setView('history');
  await store.getState().openRun('old');
  assert.equal(store.getState().history.opened?.report, '# Report');
  assert.equal(store.getState().view, 'run');
  store.getState().closeRun();
  assert.equal(store.getState().history.opened, null);
});

/** Waits for a condition the store reaches after pending promises settle. */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition never held');
}
