/**
 * Agents lost for real: an agent killed with SIGKILL mid-task (its task runs again on the other
 * agent, and lands on the branch once), and an agent killed while the driver is fetching a
 * result, then restarted on its data dir (the result is delivered after the restart, once).
 * Each prints its figures.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, spawnCli, startAgent, waitFor, type AgentProc } from '../harness.js';
import type { Event } from '../ndjson-process.js';
import { freePort, killHard } from './faults.js';

const scope = new Scope();
after(() => scope.cleanup());

interface TaskOut { id: string; status: string; agent?: string; attempts?: number }

const status = (id: string, s: string, agent?: string) => (e: Event): boolean => {
  const task = e['task'] as TaskOut | undefined;
  return e['type'] === 'task-status' && task?.id === id && task.status === s && (agent === undefined || task.agent === agent);
};

function summaryOf(events: Event[]): { ok: boolean; branch: string; tasks: TaskOut[] } {
  const finished = events.find((e) => e['type'] === 'run-finished');
  assert.ok(finished, 'no run-finished event');
  return finished['summary'] as { ok: boolean; branch: string; tasks: TaskOut[] };
}

async function agentNamed(dataDir: string, name: string, listen = '/ip4/127.0.0.1/tcp/0'): Promise<AgentProc> {
  return startAgent(scope, { dataDir, args: ['--listen', listen, '--no-mdns', '--name', name] });
}

test('kill -9 of an agent mid-task: detected, the task completes on the other agent, and the branch has it once', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# loss\n' });
  const driverDir = join(tmp, 'driver');
  const agents = { alpha: await agentNamed(join(tmp, 'alpha'), 'alpha'), beta: await agentNamed(join(tmp, 'beta'), 'beta') };
  for (const [name, a] of Object.entries(agents)) await pairWith(scope, a, driverDir, join(tmp, name));
  const go = join(tmp, 'go');
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, ['# Loss', '', '## Tasks', '- t: Survive', `  !wait-for ${go}`, '  !write t.txt once', ''].join('\n'));
  const timeoutS = 3;
  const cli = spawnCli(scope, ['run', goal, '--repo', repo, '--agent', agents.alpha.addr, '--agent', agents.beta.addr, '--data-dir', driverDir, '--no-mdns', '--json', '--agent-timeout', String(timeoutS)]);

  const running = await cli.waitEvent(status('t', 'running'));
  const victim = (running['task'] as TaskOut).agent as 'alpha' | 'beta';
  const other = victim === 'alpha' ? 'beta' : 'alpha';
  const killedAt = Date.now();
  await killHard(agents[victim].proc);
  const lost = await cli.waitEvent((e) => e['type'] === 'agent-lost' && e['name'] === victim);
  const moved = await cli.waitEvent(status('t', 'dispatching', other));
  await writeFile(go, '');
  assert.equal(await cli.exited, 0, cli.stderr());

  const { ok, branch, tasks } = summaryOf(cli.events);
  assert.ok(ok);
  const t = tasks.find((x) => x.id === 't')!;
  assert.equal(t.agent, other);
  assert.equal(t.attempts, 2);
  assert.equal(git(repo, 'show', `${branch}:t.txt`), 'once');
  const copies = git(repo, 'log', '--format=%H', branch, '--', 't.txt').split('\n').filter(Boolean).length;
  assert.equal(copies, 1, 'the task is on the branch exactly once');
  const detectMs = Date.parse(String(lost['time'])) - killedAt;
  const movedMs = Date.parse(String(moved['time'])) - killedAt;
  assert.ok(detectMs < timeoutS * 1000, `loss detected in ${detectMs} ms`);
  assert.ok(movedMs >= timeoutS * 1000, `the task waited for its agent before moving (${movedMs} ms)`);
  console.log(`fault: kill -9 agent mid-task | detected ${detectMs} ms | moved to ${other} after ${movedMs} ms (timeout ${timeoutS} s) | tasks lost 0 | duplicated ${copies - 1}`);
});

test('agent killed while the driver fetches its result, then restarted: the result is delivered after the restart, once', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# delivery\n' });
  const driverDir = join(tmp, 'driver');
  const listen = `/ip4/127.0.0.1/tcp/${await freePort()}`;
  const dataDir = join(tmp, 'agent');
  const first = await agentNamed(dataDir, 'gamma', listen);
  await pairWith(scope, first, driverDir, dataDir);
  const goal = join(tmp, 'goal.md');
  // About 32 MB that does not compress: the result's bundle takes a while to fetch.
  await writeFile(goal, ['# Delivery', '', '## Tasks', '- big: Big result', '  !run head -c 32000000 /dev/urandom > big.bin', ''].join('\n'));
  const cli = spawnCli(scope, ['run', goal, '--repo', repo, '--agent', first.addr, '--data-dir', driverDir, '--no-mdns', '--json', '--agent-timeout', '60']);

  // Mid-delivery: the driver has begun writing the bundle it fetches.
  await waitFor(async () => (await partialBundles(join(driverDir, 'runs'))).length > 0, 'the driver to start fetching the result', 60_000);
  const killedAt = Date.now();
  await killHard(first.proc);
  const second = await agentNamed(dataDir, 'gamma', listen);
  assert.equal(second.peerId, first.peerId, 'the same identity after the restart');
  assert.equal(await cli.exited, 0, cli.stderr());
  const merged = cli.events.find(status('big', 'merged'))!;

  const { branch, tasks } = summaryOf(cli.events);
  const big = tasks.find((x) => x.id === 'big')!;
  assert.equal(big.attempts, 1, 'collected, not run again');
  assert.equal(git(repo, 'cat-file', '-s', `${branch}:big.bin`), '32000000');
  const copies = git(repo, 'log', '--format=%H', branch, '--', 'big.bin').split('\n').filter(Boolean).length;
  assert.equal(copies, 1);
  assert.ok(cli.events.some((e) => e['type'] === 'task-status' && /re-attach/.test(String(e['detail'] ?? ''))), 'the driver re-attached to the task');
  const deliveredMs = Date.parse(String(merged['time'])) - killedAt;
  console.log(`fault: agent restart mid-delivery | result merged ${deliveredMs} ms after the kill | attempts 1 | tasks lost 0 | duplicated ${copies - 1}`);
});

/** Bundles the driver is still receiving, anywhere under its runs. */
async function partialBundles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith('.bundle.part'));
}
