/**
 * The app (here `claudecluster ui`, the same service the desktop shell runs) killed with SIGKILL
 * mid-run, then started again on its data dir: the run continues by itself at start-up — its
 * running task re-attached on its agent, not run again — and ends merged, once.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, startAgent, waitFor } from '../harness.js';
import { nodeBridge, startUi } from '../ui/ui-process.js';
import { killHard } from './faults.js';

const scope = new Scope();
after(() => scope.cleanup());

test('the app killed mid-run continues the run when it starts again: the task is re-attached, merged once', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# app\n' });
  const driverDir = join(tmp, 'driver');
  const agentDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir: agentDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--name', 'remote'] });
  await pairWith(scope, agent, driverDir, agentDir);
  const go = join(tmp, 'go');

  const first = await startUi(scope, { dataDir: driverDir, repo, local: 0 });
  const bridge = await nodeBridge(first);
  await waitFor(async () => (await bridge.api.call('agents.list', {})).agents.some((a) => a.name === 'remote' && a.health === 'ready'), 'the paired agent to be ready');
  const text = ['# Across a restart', '', '## Tasks', '- t: Outlive the app', `  !wait-for ${go}`, '  !write t.txt once', ''].join('\n');
  const started = await bridge.api.call('run.start', { name: 'restart.md', text });
  assert.ok(started.ok, JSON.stringify(started));
  const { runId } = started;
  await agent.waitEvent((e) => e['type'] === 'task' && e['taskId'] === 't' && e['state'] === 'working');
  bridge.close();
  await killHard(first.proc);

  const second = await startUi(scope, { dataDir: driverDir, repo, local: 0 });
  const again = await nodeBridge(second);
  await waitFor(async () => (await again.api.call('run.get', { runId })).tasks.some((t) => t.id === 't' && t.status === 'running' && t.agent === 'remote'), 'the resumed run to re-attach its task')
    .catch(async (err: Error) => { throw new Error(`${err.message}: ${JSON.stringify(await again.api.call('run.get', { runId }))} ${second.stderr()}`); });
  await writeFile(go, '');
  await waitFor(async () => (await again.api.call('run.get', { runId })).status !== 'running', 'the resumed run to end');
  const view = await again.api.call('run.get', { runId });
  again.close();
  assert.equal(view.status, 'ok');
  const t = view.tasks.find((x) => x.id === 't')!;
  assert.equal(t.status, 'merged');
  assert.equal(t.attempts, 1, 'taken up where it was, not run again');
  assert.equal(git(repo, 'show', `${view.branch}:t.txt`), 'once');
  assert.equal(git(repo, 'log', '--format=%H', view.branch, '--', 't.txt').split('\n').filter(Boolean).length, 1);
  console.log(`fault: app killed mid-run, started again | run ${runId} continued at start-up | attempts 1 | merged once | tasks lost 0`);
});
