/**
 * RepoSync sends a commit to an agent on top of what it has, and never names as a bundle
 * prerequisite a result the agent reported that this repo has not fetched yet, nor more than
 * the newest few it has. It asks an agent what it has once, and can ask before the first send.
 * A result that came inline goes on to another agent as its maker sent it, before this repo has it,
 * also when what it builds on is there only in the history of a branch head that agent holds.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult } from '../../shared/protocol/control.js';
import { git as gitRun } from '../../shared/node/git.js';
import { RepoSync } from '../../main/driver/sync.js';
import { BranchHeads } from '../../main/driver/branch-heads.js';
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

test('a head is synced while a result the agent reported is not fetched yet', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const sync = new RepoSync(d.repo, tmp);
  await sync.ensure(d.client, d.base);

  const result = new Promise<TaskResult>((resolve) => d.client.rpc.on('task.result', resolve));
  await d.start('t1', '!write made.txt by the agent', { mode: 'headless' });
  const made = (await result).commit;
  assert.ok(made, 'the task made a commit');
  const here = await gitRun(['cat-file', '-e', `${made}^{commit}`], { cwd: d.repo.root, allowFail: true });
  assert.notEqual(here.code, 0, 'the result is only on the agent');
  sync.made(d.client, made);
  assert.deepEqual(sync.holders(made), [d.client.peerId.toString()], 'tasks based on the result go to the agent that made it');

  // A merge head made here meanwhile, not built on that result.
  await writeFile(join(d.repo.root, 'head.txt'), 'head\n');
  git(d.repo.root, 'add', 'head.txt');
  git(d.repo.root, 'commit', '-qm', 'head');
  const head = git(d.repo.root, 'rev-parse', 'HEAD');
  await sync.ensure(d.client, head);
  const { tips } = await d.client.rpc.request('repo.tips', { repoId: d.repo.repoId });
  assert.ok(tips.includes(head), `the agent has the head (tips: ${tips.join(', ')})`);
});

test('a bundle names only the newest commits the agent has as prerequisites, and still applies', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const named: string[][] = [];
  const bundle = d.repo.bundle.bind(d.repo);
  d.repo.bundle = (commit, known, out) => {
    named.push([...known]);
    return bundle(commit, known, out);
  };
  const commit = async (n: number): Promise<string> => {
    await writeFile(join(d.repo.root, `c${n}.txt`), `${n}\n`);
    git(d.repo.root, 'add', `c${n}.txt`);
    git(d.repo.root, 'commit', '-qm', `c${n}`);
    return git(d.repo.root, 'rev-parse', 'HEAD');
  };
  const sync = new RepoSync(d.repo, tmp);
  await sync.ensure(d.client, d.base);
  const sent: string[] = [];
  for (let n = 0; n < 24; n++) {
    sent.push(await commit(n));
    await sync.ensure(d.client, sent.at(-1)!);
  }
  const last = named.at(-1)!;
  assert.ok(last.length <= 16, `${last.length} prerequisites`);
  assert.equal(last.at(-1), sent.at(-2), 'the newest commit the agent had is one of them');

  // A new run asks the agent what it has (newest first): its newest commit is still named.
  const next = await commit(24);
  await new RepoSync(d.repo, tmp).ensure(d.client, next);
  assert.ok(named.at(-1)!.includes(sent.at(-1)!), 'the newest tip is a prerequisite of the next run\'s first bundle');
  const { tips } = await d.client.rpc.request('repo.tips', { repoId: d.repo.repoId });
  assert.ok(tips.includes(next), 'the agent has the commit');
});

test('an agent is asked what it has once, before its first send when prepared', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  await new RepoSync(d.repo, tmp).ensure(d.client, d.base);
  const asked: string[] = [];
  const request = d.client.rpc.request.bind(d.client.rpc);
  d.client.rpc.request = ((method: Parameters<typeof request>[0], params: Parameters<typeof request>[1]) => {
    asked.push(method);
    return request(method, params);
  }) as typeof request;

  const sync = new RepoSync(d.repo, tmp);
  const id = d.client.peerId.toString();
  assert.equal(sync.knownTo(id).size, 0, 'nothing known before asking');
  await Promise.all([sync.prepare(d.client), sync.prepare(d.client)]);
  assert.ok(sync.knownTo(id).has(d.base), 'the base is known to be there before any send');
  await sync.ensure(d.client, d.base);
  assert.deepEqual(asked, ['repo.tips'], 'asked once, and nothing sent for a commit the agent has');
});

test('a result reported inline goes on to another agent holding its base, before this repo has it', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const other = await startAgent(scope, { dataDir: join(tmp, 'other'), args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', d.host.peerId.toString()] });
  const client = await AgentClient.connect(d.host, multiaddr(other.addr));
  const sync = new RepoSync(d.repo, tmp);
  await sync.ensure(client, d.base);
  const otherId = client.peerId.toString();

  const reported = new Promise<TaskResult>((resolve) => d.client.rpc.on('task.result', resolve));
  await d.start('t1', '!write made.txt by the first agent', { mode: 'headless' });
  const result = await reported;
  const made = result.commit!;
  assert.ok(made && result.bundle?.inline, 'a small result comes inline');
  assert.equal(sync.canSend(made, [otherId]), false, 'nothing to send it with yet');

  sync.offer(made, { sha256: result.bundle.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')), inline: result.bundle.inline });
  assert.equal(sync.canSend(made, [otherId]), false, 'a bundle that is not what its sha256 says is not kept');
  sync.offer(made, { sha256: result.bundle.sha256, inline: result.bundle.inline });
  assert.equal(sync.canSend(made, [otherId]), true, 'the other agent holds what it builds on');
  assert.equal(sync.canSend(made, [otherId, 'an-agent-never-asked']), false, 'an agent not known to hold its base does not get it');

  await sync.ensure(client, made);
  const { tips } = await client.rpc.request('repo.tips', { repoId: d.repo.repoId });
  assert.ok(tips.includes(made), 'the other agent has the result');
  const here = await gitRun(['cat-file', '-e', `${made}^{commit}`], { cwd: d.repo.root, allowFail: true });
  assert.notEqual(here.code, 0, 'and this repo still does not');
  await client.close();
});

test('a result reported inline goes on to an agent that holds what it builds on in a branch head\'s history', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const other = await startAgent(scope, { dataDir: join(tmp, 'other'), args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', d.host.peerId.toString()] });
  const client = await AgentClient.connect(d.host, multiaddr(other.addr));
  const heads = new BranchHeads();
  const sync = new RepoSync(d.repo, tmp, heads);
  const otherId = client.peerId.toString();
  const result = (): Promise<TaskResult> => new Promise((resolve) => {
    const off = d.client.rpc.on('task.result', (r) => { off(); resolve(r); });
  });

  // t1's result is fetched here and merged into a branch head, which the other agent is sent.
  let reported = result();
  await d.start('t1', '!write one.txt one', { mode: 'headless' });
  const one = (await reported).commit!;
  const file = join(tmp, 'one.bundle');
  await writeFile(file, Buffer.from((await reported).bundle!.inline!, 'base64'));
  await d.repo.takeResult(file, one);
  await writeFile(join(d.repo.root, 'side.txt'), 'side\n');
  git(d.repo.root, 'add', 'side.txt');
  git(d.repo.root, 'commit', '-qm', 'side');
  git(d.repo.root, 'merge', '-q', '--no-edit', one);
  const head = git(d.repo.root, 'rev-parse', 'HEAD');
  heads.merged('t1', head, one);
  await sync.ensure(client, head);

  // t2, made on t1's result, builds on a commit the other agent holds only inside that head.
  reported = result();
  await d.client.rpc.request('task.start', { runId: 'r1', taskId: 't2', title: 't2', prompt: '!write two.txt two', repoId: d.repo.repoId, base: one, session: { mode: 'headless' } });
  const two = await reported;
  sync.offer(two.commit!, { sha256: two.bundle!.sha256, inline: two.bundle!.inline! });
  assert.equal(sync.knownTo(otherId).has(one), false, 'the other agent was never sent t1\'s result by itself');
  assert.equal(sync.canSend(two.commit!, [otherId]), true, 'it holds t1\'s result inside the head');

  await sync.ensure(client, two.commit!);
  const { tips } = await client.rpc.request('repo.tips', { repoId: d.repo.repoId });
  assert.ok(tips.includes(two.commit!), 'the other agent has t2\'s result');
  await client.close();
});
