/**
 * RepoSync sends a commit to an agent on top of what it has, and never names as a bundle
 * prerequisite a result the agent reported that this repo has not fetched yet, nor more than
 * the newest few it has. It asks an agent what it has once, and can ask before the first send.
 * A result that came inline goes on to another agent as its maker sent it, before this repo has it,
 * also when what it builds on is there only in the history of a branch head that agent holds. A
 * task's start goes right behind the request that brings its base (the agent serves them in
 * order); when bringing it fails, the start waits for the bundle made here instead and goes again.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult, TaskSpec } from '../../shared/protocol/control.js';
import { git as gitRun } from '../../shared/node/git.js';
import { RepoSync, type CommitHistory } from '../../main/driver/sync.js';
import { BranchHeads } from '../../main/driver/branch-heads.js';
import { RemoteTask } from '../../main/driver/remote-task.js';
import type { AgentClient } from '../../main/driver/agent-client.js';
import { Scope, git } from '../harness.js';
import { directAgent, type DirectAgent } from '../direct-agent.js';

const scope = new Scope();
const closers: DirectAgent[] = [];
after(async () => {
  for (const d of closers) await d.close();
  await scope.cleanup();
});

/** The direct agent, and a sync that has brought it the repo's base. */
async function oneAgent(history?: CommitHistory): Promise<{ tmp: string; d: DirectAgent; sync: RepoSync }> {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const sync = new RepoSync(d.repo, tmp, history);
  await sync.ensure(d.client, d.base);
  return { tmp, d, sync };
}

/** As `oneAgent`, and another agent that trusts the same driver, brought the base too. */
async function twoAgents(history?: CommitHistory): Promise<{ tmp: string; d: DirectAgent; client: AgentClient; sync: RepoSync }> {
  const { tmp, d, sync } = await oneAgent(history);
  const client = await d.another(join(tmp, 'other'));
  await sync.ensure(client, d.base);
  return { tmp, d, client, sync };
}

/** Takes the result `r`, reported inline, into the repo, as a run fetches it. */
async function takeIn(d: DirectAgent, r: TaskResult): Promise<void> {
  await d.repo.takeResult({ bytes: Buffer.from(r.bundle!.inline!, 'base64') }, r.commit!);
}

/** Commits `name`.txt to the repo here; returns the new HEAD. */
async function commitHere(d: DirectAgent, name: string): Promise<string> {
  await writeFile(join(d.repo.root, `${name}.txt`), `${name}\n`);
  git(d.repo.root, 'add', `${name}.txt`);
  git(d.repo.root, 'commit', '-qm', name);
  return git(d.repo.root, 'rev-parse', 'HEAD');
}

const spec = (d: DirectAgent, taskId: string, base: string, prompt: string): TaskSpec =>
  ({ runId: 'r1', taskId, title: taskId, prompt, repoId: d.repo.repoId, base, session: { mode: 'headless' } });

test('a head is synced while a result the agent reported is not fetched yet', async () => {
  const { d, sync } = await oneAgent();

  const result = d.nextResult();
  await d.start('t1', '!write made.txt by the agent', { mode: 'headless' });
  const made = (await result).commit;
  assert.ok(made, 'the task made a commit');
  const here = await gitRun(['cat-file', '-e', `${made}^{commit}`], { cwd: d.repo.root, allowFail: true });
  assert.notEqual(here.code, 0, 'the result is only on the agent');
  sync.made(d.client, made);
  assert.deepEqual(sync.holders(made), [d.client.peerId.toString()], 'tasks based on the result go to the agent that made it');

  // A merge head made here meanwhile, not built on that result.
  const head = await commitHere(d, 'head');
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
  const sync = new RepoSync(d.repo, tmp);
  await sync.ensure(d.client, d.base);
  const sent: string[] = [];
  for (let n = 0; n < 24; n++) {
    sent.push(await commitHere(d, `c${n}`));
    await sync.ensure(d.client, sent.at(-1)!);
  }
  const last = named.at(-1)!;
  assert.ok(last.length <= 16, `${last.length} prerequisites`);
  assert.equal(last.at(-1), sent.at(-2), 'the newest commit the agent had is one of them');

  // A new run asks the agent what it has (newest first): its newest commit is still named.
  const next = await commitHere(d, 'c24');
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
  const { tmp, d, client, sync } = await twoAgents();
  const otherId = client.peerId.toString();

  const reported = d.nextResult();
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
  assert.deepEqual(await readdir(join(tmp, 'other', 'blobs')), [], 'bundles that came inline went into its cache without a file of their own');
  const here = await gitRun(['cat-file', '-e', `${made}^{commit}`], { cwd: d.repo.root, allowFail: true });
  assert.notEqual(here.code, 0, 'and this repo still does not');
  await client.close();
});

test('a result reported inline goes on to an agent that holds what it builds on in a branch head\'s history', async () => {
  const heads = new BranchHeads();
  const { d, client, sync } = await twoAgents(heads);
  const otherId = client.peerId.toString();

  // t1's result is fetched here and merged into a branch head, which the other agent is sent.
  let reported = d.nextResult();
  await d.start('t1', '!write one.txt one', { mode: 'headless' });
  const one = (await reported).commit!;
  await takeIn(d, await reported);
  await commitHere(d, 'side');
  git(d.repo.root, 'merge', '-q', '--no-edit', one);
  const head = git(d.repo.root, 'rev-parse', 'HEAD');
  heads.merged('t1', head, one);
  await sync.ensure(client, head);

  // t2, made on t1's result, builds on a commit the other agent holds only inside that head.
  reported = d.nextResult();
  await d.client.rpc.request('task.start', spec(d, 't2', one, '!write two.txt two'));
  const two = await reported;
  sync.offer(two.commit!, { sha256: two.bundle!.sha256, inline: two.bundle!.inline! });
  assert.equal(sync.knownTo(otherId).has(one), false, 'the other agent was never sent t1\'s result by itself');
  assert.equal(sync.canSend(two.commit!, [otherId]), true, 'it holds t1\'s result inside the head');

  await sync.ensure(client, two.commit!);
  const { tips } = await client.rpc.request('repo.tips', { repoId: d.repo.repoId });
  assert.ok(tips.includes(two.commit!), 'the other agent has t2\'s result');
  await client.close();
});

test('a task started right behind the request that brings its base finds the base there', async () => {
  const { d, sync } = await oneAgent();
  const head = await commitHere(d, 'head');

  const t = sync.transfer(d.client, head);
  let there = false;
  void t.done.then(() => { there = true; });
  await t.asked;
  assert.equal(there, false, 'the agent has not answered yet');
  const reported = d.nextResult();
  await d.client.rpc.request('task.start', spec(d, 't1', head, '!require head.txt\n!write after.txt after the head'));
  const r = await reported;
  assert.equal(r.ok, true, r.error);
  assert.equal(r.base, head);
});

test('a start behind a passed-on result the agent refuses waits for the bundle made here, and is sent again', async () => {
  const { tmp, d, client, sync } = await twoAgents();

  // t1's result, taken in here, and offered as a bundle whose pack is damaged (its sha256 matching).
  const reported = d.nextResult();
  await d.start('t1', '!write one.txt one', { mode: 'headless' });
  const one = await reported;
  await takeIn(d, one);
  sync.learn(d.client, one.commit!);
  const bytes = Buffer.from(one.bundle!.inline!, 'base64');
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
