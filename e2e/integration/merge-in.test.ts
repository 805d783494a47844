/**
 * `mergeIn` on task.start: the agent merges reported results into the task's base, a merge commit
 * each, before the session, reports the last merge as the result's base, and refuses a conflicting
 * merge before any session starts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult } from '../../shared/protocol/control.js';
import { RepoSync } from '../../main/driver/sync.js';
import { getBlob } from '../../main/driver/blob-client.js';
import { Scope, git } from '../harness.js';
import { directAgent, type DirectAgent } from '../direct-agent.js';

const scope = new Scope();
const closers: DirectAgent[] = [];
after(async () => {
  for (const d of closers) await d.close();
  await scope.cleanup();
});

/** Starts `taskId` headless and waits for its result. */
async function run(d: DirectAgent, taskId: string, prompt: string, extra: { base?: string; mergeIn?: string[] } = {}): Promise<TaskResult> {
  const result = new Promise<TaskResult>((resolve) => d.client.rpc.on('task.result', (r) => { if (r.taskId === taskId) resolve(r); }));
  await d.client.rpc.request('task.start', { runId: 'r1', taskId, title: taskId, prompt, repoId: d.repo.repoId, base: d.base, session: { mode: 'headless' }, ...extra });
  return result;
}

/** A commit on top of the agent's base in the user's repo, synced to the agent. */
async function headWith(d: DirectAgent, sync: RepoSync, file: string, text: string): Promise<string> {
  git(d.repo.root, 'checkout', '-q', '--detach', d.base);
  await writeFile(join(d.repo.root, file), text);
  git(d.repo.root, 'add', file);
  git(d.repo.root, 'commit', '-qm', file);
  const head = git(d.repo.root, 'rev-parse', 'HEAD');
  await sync.ensure(d.client, head);
  return head;
}

/** An agent that trusts this test, and a RepoSync for sending it commits. */
async function agentWithSync(): Promise<{ tmp: string; d: DirectAgent; sync: RepoSync }> {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  closers.push(d);
  return { tmp, d, sync: new RepoSync(d.repo, tmp) };
}

test('a reported result merged into the base: a merge commit the result builds on and names as its base', async () => {
  const { tmp, d, sync } = await agentWithSync();
  const dep = await run(d, 'dep', '!write dep.txt from dep');
  assert.ok(dep.commit);
  const head = await headWith(d, sync, 'other.txt', 'merged on the branch\n');

  const r = await run(d, 'after', '!require dep.txt\n!require other.txt\n!write after.txt after both', { base: head, mergeIn: [dep.commit!] });
  assert.equal(r.ok, true, r.error);
  assert.notEqual(r.base, head, 'the result names the merge it started from');
  // Fetch the result to look at it: its bundle holds the merge and the dependency's result.
  const file = join(tmp, 'after.bundle');
  await getBlob(d.client, r.bundle!.sha256, file);
  await d.repo.takeResult({ file: file }, r.commit!);
  assert.deepEqual(git(d.repo.root, 'rev-list', '--parents', '-n', '1', r.base).split(' ').slice(1), [head, dep.commit]);
  assert.equal(git(d.repo.root, 'rev-parse', `${r.commit}^`), r.base);
  assert.equal(git(d.repo.root, 'diff', '--name-only', r.base, r.commit!), 'after.txt', 'the task\'s own change is on top of the merge');
});

test('a result that conflicts with the base fails the task before its session, naming the file', async () => {
  const { d, sync } = await agentWithSync();
  const dep = await run(d, 'dep', '!write same.txt from dep');
  const head = await headWith(d, sync, 'same.txt', 'from the branch\n');

  const r = await run(d, 'after', '!write after.txt never', { base: head, mergeIn: [dep.commit!] });
  assert.equal(r.ok, false);
  assert.equal(r.session, null, 'no session started');
  assert.match(r.error ?? '', /does not merge cleanly into its base: conflicts in same\.txt/);
});

test('two reported results merged in one after another: the second merge is the base; a conflict between them fails the task before its session', async () => {
  const { tmp, d, sync } = await agentWithSync();
  const one = await run(d, 'one', '!write one.txt from one\n!write same.txt from one');
  const two = await run(d, 'two', '!write two.txt from two');
  const clash = await run(d, 'clash', '!write same.txt from clash');
  const head = await headWith(d, sync, 'other.txt', 'merged on the branch\n');

  const r = await run(d, 'after', '!require one.txt\n!require two.txt\n!require other.txt\n!write after.txt after all', { base: head, mergeIn: [one.commit!, two.commit!] });
  assert.equal(r.ok, true, r.error);
  const file = join(tmp, 'after.bundle');
  await getBlob(d.client, r.bundle!.sha256, file);
  await d.repo.takeResult({ file: file }, r.commit!);
  const [first, second] = git(d.repo.root, 'rev-list', '--parents', '-n', '1', r.base).split(' ').slice(1);
  assert.equal(second, two.commit, 'the second result is merged last');
  assert.deepEqual(git(d.repo.root, 'rev-list', '--parents', '-n', '1', first!).split(' ').slice(1), [head, one.commit]);

  const refused = await run(d, 'refused', '!write refused.txt never', { base: head, mergeIn: [one.commit!, clash.commit!] });
  assert.equal(refused.ok, false);
  assert.equal(refused.session, null, 'no session started');
  assert.match(refused.error ?? '', new RegExp(`the result it starts from \\(${clash.commit!.slice(0, 12)}\\) does not merge cleanly into its base: conflicts in same\\.txt`));
});
