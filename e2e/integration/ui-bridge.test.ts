/**
 * `claudecluster ui` end to end: the real CLI with its local agent (the scripted `claude`
 * stand-in) on loopback, reached as a browser would reach it: the page over HTTP, the BridgeApi
 * over a WebSocket, with the token and Origin checks in the way.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { AgentView, BridgeEventPayload } from '../../shared/bridge/index.js';
import { PLAN_TERM_TASK_ID } from '../../shared/bridge/constants.js';
import { RPC_ERROR } from '../../shared/protocol/jsonrpc.js';
import { AGENT_BIN, Scope, childProcesses, git, processAlive as alive, startAgent, waitFor } from '../harness.js';
import { connect as connectTo, openSocket as openSocketOf, socketUrl as socketUrlOf, startUi, type UiCli } from './ui-cli.js';

const scope = new Scope();
let ui: UiCli;
let cli: ChildProcess;
let port = 0;
let token = '';
let repo = '';
let tmp = '';
let events: Array<Record<string, unknown>> = [];

before(async () => {
  ui = await startUi(scope);
  ({ cli, port, token, repo, tmp, events } = ui);
});

after(async () => {
  for (const ws of ui?.sockets ?? []) ws.terminate();
  await scope.cleanup();
});

const socketUrl = (t = token): string => socketUrlOf(ui, t);
const openSocket = (url: string, origin: string | undefined): Promise<WebSocket | number> => openSocketOf(ui, url, origin);
const connect = (): ReturnType<typeof connectTo> => connectTo(ui);

/** A GET with the Host header given (fetch does not let a test set it). */
function get(path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the page needs the token, is served with a strict CSP, and nothing outside the renderer is served', async () => {
  const page = await get(`/?token=${token}`);
  assert.equal(page.status, 200);
  const csp = String(page.headers['content-security-policy']);
  for (const part of ["default-src 'self'", `connect-src 'self' ws://127.0.0.1:${port}`, "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) {
    assert.ok(csp.includes(part), `CSP lacks ${part}: ${csp}`);
  }
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.equal((await get('/?token=wrong')).status, 403);
  assert.equal((await get('/')).status, 403);
  assert.equal((await get(`/?token=${token}`, `evil.example:${port}`)).status, 403, 'a foreign Host (DNS rebinding) is refused');
  assert.equal((await get('/..%2f..%2f..%2fetc%2fpasswd')).status, 404);
  assert.equal((await get('/../../package.json')).status, 404);
});

test('the socket refuses a wrong token, a foreign Origin and no Origin before upgrading', async () => {
  assert.equal(await openSocket(socketUrl('not-the-token'), `http://127.0.0.1:${port}`), 403);
  assert.equal(await openSocket(socketUrl(), 'http://evil.example'), 403);
  assert.equal(await openSocket(socketUrl(), `http://127.0.0.1:${port + 1}`), 403);
  assert.equal(await openSocket(socketUrl(), undefined), 403);
  assert.ok(await openSocket(socketUrl(), `http://localhost:${port}`) instanceof WebSocket, 'localhost is the same page');
});

test('app.info answers; goal.check reports a bad goal\'s problems with their lines', async () => {
  const { api } = await connect();
  const info = await api.call('app.info', {});
  assert.equal(info.shell, 'browser');
  assert.equal(info.repo, realpathSync(repo));
  assert.match(info.peerId, /^12D3Koo/);
  const bad = await api.call('goal.check', { name: 'bad.md', text: '# Bad\n\n## Tasks\n- a: First\n  after: nope\n- a: Again\n' });
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok && bad.problems.some((p) => p.line === 4 && /nope/.test(p.message)), JSON.stringify(bad));
  assert.ok(!bad.ok && bad.problems.some((p) => p.line === 6), JSON.stringify(bad));
  const good = await api.call('goal.check', { name: 'good.md', text: '# Good\n\n## Tasks\n- a: One\n- b: Two\n  after: a\n' });
  assert.ok(good.ok && good.hasTaskList && good.tasks.map((t) => t.id).join() === 'a,b');
});

test('an unknown method or a message that is not JSON gets a JSON-RPC error, and the server goes on serving', async () => {
  const { api, ws } = await connect();
  const replies: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => replies.push(JSON.parse(String(d)) as Record<string, unknown>));
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'x1', method: 'no.such.method', params: {} }));
  ws.send('this is not json');
  await waitFor(() => replies.length >= 2, 'two error replies');
  const unknown = replies.find((r) => r['id'] === 'x1') as { error: { code: number } };
  assert.equal(unknown.error.code, RPC_ERROR.methodNotFound);
  assert.ok(replies.some((r) => r['id'] === null && (r['error'] as { code: number }).code === RPC_ERROR.invalidRequest));
  await assert.rejects(api.call('run.get', { runId: 'no-such-run' }), (err: { code: number }) => err.code === RPC_ERROR.notFound);
  assert.equal((await api.call('app.info', {})).shell, 'browser');
});

test('a two-task goal runs to the end: terminals live and on attach, input reaches a session, detail shows the diff', async () => {
  const { api } = await connect();
  await waitFor(async () => (await api.call('agents.list', {})).agents.some((a) => a.local && a.health === 'ready' && a.slots === 2), 'the local agent to be ready');

  const feeds = new Map<string, { attached: string; offset: number; batches: Array<{ offset: number; data: string }> }>();
  const text = (taskId: string): string => {
    const f = feeds.get(taskId);
    return f ? f.attached + f.batches.filter((b) => b.offset >= f.offset).map((b) => b.data).join('') : '';
  };
  let finished: BridgeEventPayload<'run.finished'> | undefined;
  api.on('term.data', (d) => {
    feeds.get(d.taskId)?.batches.push({ offset: d.offset, data: d.data });
    void api.call('term.ack', { runId: d.runId, taskId: d.taskId, chars: d.data.length });
  });
  api.on('run.finished', (p) => { finished = p; });
  api.on('run.started', (p) => {
    for (const t of p.run.tasks) {
      feeds.set(t.id, { attached: '', offset: 0, batches: [] });
      void api.call('term.attach', { runId: p.run.runId, taskId: t.id }).then((a) => Object.assign(feeds.get(t.id)!, { attached: a.data, offset: a.offset }));
    }
  });

  const release = join(tmp, 'release-b');
  const goal = [
    '# Two tasks', '', 'For the ui test.', '', '## Tasks',
    '- a: Add a.txt', '  !say hello from task A', '  !write a.txt made by A',
    '- b: Add b.txt', '  !say b is waiting', `  !wait-for ${release}`, '  !write b.txt made by B',
    '',
  ].join('\n');
  const noPlan = await api.call('run.start', { name: 'unplanned.md', text: '# Unplanned\n\nDo something useful.\n' });
  assert.ok(!noPlan.ok && /plan it first/.test(noPlan.problems[0]!.message), JSON.stringify(noPlan));

  const started = await api.call('run.start', { name: 'two.md', text: goal });
  assert.ok(started.ok, JSON.stringify(started));
  const runId = started.runId;

  await waitFor(() => text('b').includes('b is waiting'), 'task b to wait');
  await api.call('task.resize', { runId, taskId: 'b', cols: 100, rows: 30 });
  await api.call('task.input', { runId, taskId: 'b', data: 'typed-by-ui' });
  await waitFor(() => text('b').includes('typed-by-ui'), 'the typed text echoed by the session');
  await writeFile(release, 'go');
  await waitFor(() => finished !== undefined, 'run.finished', 60_000);

  assert.equal(finished!.run.runId, runId);
  assert.equal(finished!.run.status, 'ok', JSON.stringify(finished!.run.tasks));
  const branch = finished!.run.branch;
  assert.equal(git(repo, 'show', `${branch}:a.txt`), 'made by A');
  assert.equal(git(repo, 'show', `${branch}:b.txt`), 'made by B');
  assert.ok(finished!.run.tasks.every((t) => t.status === 'merged'));
  assert.match(finished!.run.report ?? '', /## Tasks/);

  // Both terminals streamed live, and the batches continued exactly from the attach offset, without gaps.
  assert.deepEqual([...feeds.keys()].sort(), ['a', 'b']);
  for (const [id, f] of feeds) {
    assert.ok(f.batches.length > 0, `no term.data for task ${id}`);
    let at = f.offset;
    for (const b of f.batches.filter((x) => x.offset + x.data.length > f.offset)) {
      assert.ok(b.offset <= at, `task ${id}: a gap before offset ${b.offset}`);
      at = Math.max(at, b.offset + b.data.length);
    }
  }
  assert.ok(text('a').includes('hello from task A'));
  const again = await api.call('term.attach', { runId, taskId: 'a' });
  assert.ok(again.data.includes('hello from task A'));
  assert.equal(again.data, text('a'), 'a late attach returns everything the live feed carried');
  assert.equal(again.offset, again.data.length);

  // The pull request, as `run --pr` makes it: with no remote, nothing is pushed and the commands to finish it are given.
  const none = await api.call('run.pullRequest', { runId });
  assert.equal(none.status, 'not-pushed');
  assert.match(none.reason ?? '', /no remote to push to/);
  assert.ok(none.instructions?.includes('git remote add origin URL'), JSON.stringify(none));
  const remote = join(tmp, 'remote.git');
  execFileSync('git', ['init', '--quiet', '--bare', remote]);
  git(repo, 'remote', 'add', 'origin', remote);
  const pushed = await api.call('run.pullRequest', { runId });
  assert.ok(pushed.status === 'pushed' || pushed.status === 'created', JSON.stringify(pushed));
  assert.equal(git(remote, 'rev-parse', `refs/heads/${branch}`), git(repo, 'rev-parse', branch), 'the run branch is on the remote');
  git(repo, 'remote', 'remove', 'origin');
  await assert.rejects(api.call('run.pullRequest', { runId: 'no-such-run' }), /there is no run no-such-run/);

  const detail = await api.call('task.detail', { runId, taskId: 'a' });
  const file = detail.files.find((f) => f.path === 'a.txt');
  assert.ok(file, JSON.stringify(detail.files));
  assert.equal(file.change, 'added');
  assert.equal(file.after, 'made by A');
  assert.match(file.patch, /^\+made by A$/m);
  assert.match(detail.prompt, /!write a\.txt made by A/);

  await assert.rejects(api.call('task.input', { runId, taskId: 'a', data: 'too late' }), (err: { code: number }) => err.code === RPC_ERROR.notFound);

  const log = await api.call('task.log', { runId, taskId: 'b' });
  assert.ok(log.text.includes('b is waiting') && log.text.includes('typed-by-ui'));
  assert.equal(log.truncated, false);
  const runs = await api.call('runs.list', {});
  assert.equal(runs.runs.find((r) => r.runId === runId)?.status, 'ok');
  const view = await api.call('run.get', { runId });
  assert.equal(view.tasks.filter((t) => t.status === 'merged').length, 2);
});

test('goal.plan plans a goal without a task list on the local agent and returns it with its tasks', async () => {
  const { api } = await connect();
  const plan = { tasks: [
    { id: 'one', title: 'First file', prompt: 'Create one.txt.', after: [] },
    { id: 'two', title: 'Second file', prompt: 'Create two.txt.', after: ['one'] },
  ] };
  await waitFor(async () => (await api.call('agents.list', {})).agents.some((a) => a.local && a.health === 'ready'), 'the local agent to be ready');
  // The planner's terminal can be watched while it works: goal.planning names it.
  let watched = '';
  let planId = '';
  api.on('goal.planning', (p) => {
    if (p.name !== 'plan-me.md') return;
    planId = p.planId;
    void api.call('term.attach', { runId: p.planId, taskId: PLAN_TERM_TASK_ID }).then((a) => { watched = a.data + watched; });
  });
  api.on('term.data', (d) => { if (d.runId === planId) watched += d.data; });
  const planned = await api.call('goal.plan', { name: 'plan-me.md', text: `---\nsession:\n  mode: headless\n---\n# Plan me\n\nMake two files.\n\n!say looking at the repository\n!sleep 1500\n!structured ${JSON.stringify(plan)}\n` });
  assert.ok(planned.ok, JSON.stringify(planned));
  assert.match(planId, /-plan$/);
  assert.match(watched, /looking at the repository/);
  await assert.rejects(api.call('term.attach', { runId: planId, taskId: PLAN_TERM_TASK_ID }), /no terminal/, 'a plan that is back has no live terminal');
  assert.equal(planned.hasTaskList, true);
  assert.deepEqual(planned.tasks.map((t) => [t.id, t.after]), [['one', []], ['two', ['one']]]);
  assert.match(planned.text, /^## Tasks$/m);
  assert.equal(planned.title, 'Plan me');
});

test('agents.pair pairs by one-time code (a wrong code is refused); agents.unpair forgets the agent', async () => {
  const { api } = await connect();
  const changes: AgentView[][] = [];
  api.on('agents.changed', (p) => changes.push(p.agents));
  const agent = await startAgent(scope, { dataDir: join(tmp, 'spare-agent'), args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair', '--name', 'spare', '--slots', '1'] });
  const code = String((await agent.waitEvent((e) => e['type'] === 'pairing'))['code']);
  await assert.rejects(api.call('agents.pair', { addr: agent.addr, code: 'ZZZZ-ZZZZ' }), (err: { code: number; message: string }) => err.code === RPC_ERROR.failed && /refused/.test(err.message));
  // Right after a wrong code the same driver is told to wait (the rate limit); then the code works.
  let view: AgentView | undefined;
  await waitFor(async () => {
    const r = await api.call('agents.pair', { addr: agent.addr, code }).catch((err: Error) => {
      if (/too many attempts/.test(err.message)) return undefined;
      throw err;
    });
    view = r?.agent;
    return view !== undefined;
  }, 'pairing once the rate limit lets this driver try again');
  assert.ok(view);
  assert.equal(view.peerId, agent.peerId);
  assert.equal(view.fingerprint, agent.fingerprint);
  assert.deepEqual([view.name, view.paired, view.connected, view.local, view.health, view.slots], ['spare', true, true, false, 'ready', 1]);
  await waitFor(() => changes.some((list) => list.some((a) => a.peerId === agent.peerId && a.health === 'ready')), 'agents.changed with the new agent');

  await api.call('agents.unpair', { peerId: agent.peerId });
  // The agent was told too: it no longer trusts this driver.
  await agent.waitEvent((e) => e['type'] === 'unpaired' && e['by'] === 'driver');
  const listed = (await api.call('agents.list', {})).agents.find((a) => a.peerId === agent.peerId);
  assert.ok(!listed?.paired, JSON.stringify(listed));
  await assert.rejects(api.call('agents.unpair', { peerId: agent.peerId }), (err: { code: number }) => err.code === RPC_ERROR.notFound);
});

test('a pane that acknowledges slowly gets a flood whole, while its task runs on: the driver holds the stream, not the session', async () => {
  const { api } = await connect();
  await waitFor(async () => (await api.call('agents.list', {})).agents.some((a) => a.local && a.health === 'ready'), 'the local agent to be ready');
  const lines = 16_384; // The stand-in floods 64-byte lines: 1 MiB, ten times the flow-control window.
  const goal = ['# Flood', '', 'For flow control.', '', '## Tasks', '- f: Flood the terminal', `  !flood ${lines * 64}`, '  !write f.txt flooded', ''].join('\n');
  const started = await api.call('run.start', { name: 'flood.md', text: goal });
  assert.ok(started.ok, JSON.stringify(started));
  const { runId } = started;
  let mergedAt: number | undefined;
  let logAtMerge: Promise<string> | undefined;
  let receivedAtLog = 0;
  api.on('task.status', (e) => {
    if (e.runId !== runId || e.task.id !== 'f' || e.task.status !== 'merged' || mergedAt !== undefined) return;
    mergedAt = received;
    logAtMerge = api.call('task.log', { runId, taskId: 'f' }).then((l) => { receivedAtLog = received; return l.text; });
  });
  const batches: Array<{ offset: number; data: string }> = [];
  let received = 0;
  let acked = 0;
  api.on('term.data', (d) => {
    if (d.runId !== runId || d.taskId !== 'f') return;
    batches.push({ offset: d.offset, data: d.data });
    received += d.data.length;
  });
  const attached = await api.call('term.attach', { runId, taskId: 'f' });
  // A slow pane: it writes and acknowledges 2 KiB per 20 ms (100 KiB/s), never stalling.
  const pane = setInterval(() => {
    const chars = Math.min(received - acked, 2048);
    if (chars > 0) void api.call('term.ack', { runId, taskId: 'f', chars });
    acked += chars;
  }, 20);
  try {
    const text = (): string => attached.data + batches.map((b) => b.data).join('');
    await waitFor(() => (text().match(/flood:/g) ?? []).length >= lines && mergedAt !== undefined, 'the whole flood in the pane, and the task merged', 60_000);
    // The session was not held back by the pane: the task merged long before the pane had the flood.
    assert.ok(mergedAt! < lines * 64 / 2, `merged only after the pane had ${mergedAt} characters`);
    // The driver was: it had read only a few flow-control windows (the pane's hold mark, the
    // stream's own) ahead of the pane, not the whole flood (the agent kept the rest), and read the
    // rest as the pane caught up. Measured against what the pane had when the log was read, as a
    // loaded machine may merge the task later.
    const flooded = (t: string): number => (t.match(/flood:/g) ?? []).length;
    const readAtMerge = flooded(await logAtMerge!);
    assert.ok(readAtMerge < lines, `the driver had read all ${lines} lines when the task merged`);
    const ahead = readAtMerge * 64 - receivedAtLog;
    assert.ok(ahead <= lines * 64 / 2, `the driver had read ${ahead} characters ahead of the pane, half the flood or more`);
    await waitFor(async () => flooded((await api.call('task.log', { runId, taskId: 'f' })).text) === lines, 'the driver\'s log of the task to have the whole flood');
    let at = attached.offset;
    for (const b of batches) {
      assert.equal(b.offset, at, 'batches tile the feed: no gap, no repeat');
      at += b.data.length;
    }
    assert.equal((text().match(/flood:/g) ?? []).length, lines, 'every flood line arrived once');
  } finally {
    clearInterval(pane);
  }
});

test('SIGTERM stops the server, its local agent and the driver', async () => {
  // Its children: the local agent, and the helper its git processes start from (see spawner.ts).
  const children = childProcesses(cli.pid!);
  assert.equal(children.filter((c) => c.args.includes(AGENT_BIN)).length, 1, `the ui runs one local agent: ${JSON.stringify(children)}`);
  const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
  cli.kill('SIGTERM');
  assert.equal(await exited, 0);
  await waitFor(() => children.every((c) => !alive(c.pid)), 'the local agent, and every other process the ui started, to stop');
  assert.ok(events.some((e) => e['type'] === 'stopping'));
});
