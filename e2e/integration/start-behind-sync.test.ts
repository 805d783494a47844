/**
 * A task's start goes to its agent right behind the requests that bring the commits it needs,
 * not after their answers: the agent serves a driver's requests in order. When bringing one
 * fails (a result passed on from another agent is refused), the start waits for the bundle
 * made here in its place and is sent again.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult, TaskSpec } from '../../shared/protocol/control.js';
import { RepoSync } from '../../main/driver/sync.js';
import { RemoteTask } from '../../main/driver/remote-task.js';
import { AgentClient } from '../../main/driver/agent-client.js';
import { multiaddr } from '@multiformats/multiaddr';
import { Scope, git, startAgent } from '../harness.js';
import { directAgent, type DirectAgent } from '../direct-agent.js';

const scope = new Scope();
const closers: DirectAgent[] = [];
after(async () => {
  for (const d of closers) await d.close();
  await scope.cleanup();
});

const nextResult = (client: AgentClient): Promise<TaskResult> => new Promise((resolve) => {
  const off = client.rpc.on('task.result', (r) => { off(); resolve(r); });
});

const spec = (d: DirectAgent, taskId: string, base: string, prompt: string): TaskSpec =>
  ({ runId: 'r1', taskId, title: taskId, prompt, repoId: d.repo.repoId, base, session: { mode: 'headless' } });

test('a task started right behind the request that brings its base finds the base there', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const sync = new RepoSync(d.repo, tmp);
  await sync.ensure(d.client, d.base);
  await writeFile(join(d.repo.root, 'head.txt'), 'head\n');
  git(d.repo.root, 'add', 'head.txt');
  git(d.repo.root, 'commit', '-qm', 'head');
  const head = git(d.repo.root, 'rev-parse', 'HEAD');

  const t = sync.transfer(d.client, head);
  let there = false;
  void t.done.then(() => { there = true; });
  await t.asked;
  assert.equal(there, false, 'the agent has not answered yet');
  const reported = nextResult(d.client);
  await d.client.rpc.request('task.start', spec(d, 't1', head, '!require head.txt\n!write after.txt after the head'));
  const r = await reported;
  assert.equal(r.ok, true, r.error);
  assert.equal(r.base, head);
});

test('a start behind a passed-on result the agent refuses waits for the bundle made here, and is sent again', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const other = await startAgent(scope, { dataDir: join(tmp, 'other'), args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', d.host.peerId.toString()] });
  const client = await AgentClient.connect(d.host, multiaddr(other.addr));
  const sync = new RepoSync(d.repo, tmp);
  await sync.ensure(client, d.base);

  // t1's result, taken in here, and offered as a bundle whose pack is damaged (its sha256 matching).
  const reported = nextResult(d.client);
  await d.start('t1', '!write one.txt one', { mode: 'headless' });
  const one = await reported;
  const bytes = Buffer.from(one.bundle!.inline!, 'base64');
  const file = join(tmp, 'one.bundle');
  await writeFile(file, bytes);
  await d.repo.takeResult(file, one.commit!);
  sync.learn(d.client, one.commit!);
  const packAt = bytes.indexOf('\n\n') + 2;
  bytes[packAt + 20] = bytes[packAt + 20]! ^ 0xff;
  sync.offer(one.commit!, { sha256: createHash('sha256').update(bytes).digest('hex'), inline: bytes.toString('base64') });
  assert.equal(sync.canSend(one.commit!, [client.peerId.toString()]), true, 'the damaged bundle is offered');

  const starts: string[] = [];
  const request = client.rpc.request.bind(client.rpc);
  client.rpc.request = ((method: string, params: unknown) => {
    const p = (request as (m: string, p: unknown) => Promise<unknown>)(method, params);
    if (method === 'task.start') p.then(() => starts.push('accepted'), (err: Error) => starts.push(`refused: ${err.message}`));
    return p;
  }) as typeof client.rpc.request;
  let remote!: RemoteTask;
  const delivered = new Promise<TaskResult>((resolve, reject) => {
    remote = new RemoteTask(client, spec(d, 't2', one.commit!, '!require one.txt\n!write two.txt two'), {
      repo: d.repo, sync, workDir: tmp,
      onState: () => undefined, onOutput: () => undefined,
      onResult: async (r) => resolve(r), onLost: reject, onBroken: reject,
    });
  });
  const t = sync.transfer(client, one.commit!);
  await t.asked;
  await remote.start(t.done);
  const r = await delivered;
  assert.equal(starts.length, 2, starts.join('; '));
  assert.match(starts[0]!, /^refused: base commit .* is not in this agent's cache/);
  assert.equal(starts[1], 'accepted');
  assert.equal(r.ok, true, r.error);
  assert.equal(r.base, one.commit, 't2 started from t1\'s result, sent in a bundle made here');
  await remote.close();
  await client.close();
});
