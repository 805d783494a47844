/**
 * RepoSync sends a commit to an agent on top of what it has, and never names as a bundle
 * prerequisite a result the agent reported that this repo has not fetched yet, nor more than
 * the newest few it has. A small result bundle this repo took in goes on to other agents as it
 * came, to those that hold its prerequisites.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import type { TaskResult } from '../../shared/protocol/control.js';
import { git as gitRun } from '../../shared/node/git.js';
import { writeInline } from '../../shared/node/inline-bundle.js';
import { AgentClient } from '../../main/driver/agent-client.js';
import { RepoSync } from '../../main/driver/sync.js';
import { Scope, git, startAgent } from '../harness.js';
import { directAgent, type DirectAgent } from '../direct-agent.js';

const scope = new Scope();
const closers: Array<Pick<DirectAgent, 'close'>> = [];
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

test('a small result bundle goes on to another agent as it came when that agent has its prerequisites, else a bundle is made', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const client = async (name: string): Promise<{ client: AgentClient; blobs: string }> => {
    const dataDir = join(tmp, name);
    const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', d.host.peerId.toString()] });
    const c = await AgentClient.connect(d.host, multiaddr(agent.addr));
    closers.push(c);
    return { client: c, blobs: join(dataDir, 'blobs') };
  };
  const withBase = await client('with-base');
  const bare = await client('bare');
  const sync = new RepoSync(d.repo, tmp);
  await sync.ensure(d.client, d.base);
  await sync.ensure(withBase.client, d.base);
  const bundled: string[] = [];
  const bundle = d.repo.bundle.bind(d.repo);
  d.repo.bundle = (commit, known, out) => {
    bundled.push(commit);
    return bundle(commit, known, out);
  };

  // The driver's side of a result (see RemoteTask.fetch): the inline bundle checked and taken in.
  const result = new Promise<TaskResult>((resolve) => d.client.rpc.on('task.result', resolve));
  await d.start('t1', '!write made.txt by the agent', { mode: 'headless' });
  const r = await result;
  assert.ok(r.commit && r.bundle?.inline, 'a small result comes inline');
  const file = join(tmp, 'result.bundle');
  await writeInline(r.bundle.inline, r.bundle, file);
  const prerequisites = await d.repo.takeResult(file, r.commit);
  assert.deepEqual(prerequisites, [d.base]);
  sync.learn(d.client, r.commit, { sha256: r.bundle.sha256, inline: r.bundle.inline, prerequisites });

  await sync.ensure(withBase.client, r.commit);
  assert.deepEqual(bundled, [], 'no bundle made for an agent holding the base');
  assert.deepEqual(await readFile(join(withBase.blobs, r.bundle.sha256)), Buffer.from(r.bundle.inline, 'base64'), 'the agent got the result bundle as it came');
  await sync.ensure(bare.client, r.commit);
  assert.deepEqual(bundled, [r.commit], 'an agent without the base gets a bundle made for it');
  for (const c of [withBase.client, bare.client]) {
    const { tips } = await c.rpc.request('repo.tips', { repoId: d.repo.repoId });
    assert.ok(tips.includes(r.commit), `${c.name} has the result (tips: ${tips.join(', ')})`);
  }
});
