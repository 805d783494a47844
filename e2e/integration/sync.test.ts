/**
 * RepoSync sends a commit to an agent on top of what it has, and never names as a bundle
 * prerequisite a result the agent reported that this repo has not fetched yet.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult } from '../../shared/protocol/control.js';
import { git as gitRun } from '../../shared/node/git.js';
import { RepoSync } from '../../main/driver/sync.js';
import { Scope, git } from '../harness.js';
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
  const sync = new RepoSync(d.repo, tmp, 'r1');
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
