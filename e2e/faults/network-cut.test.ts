/**
 * A network cut, for real: the driver and an agent in network namespaces this test creates, joined
 * by a bridge; mid-task the driver's cable is pulled at the switch for 30 s, then plugged back in.
 * The task goes on running on the agent (it even finishes during the cut), the driver notices the
 * loss, reconnects by itself when the link is back, re-attaches the terminal from where it stopped
 * and collects the result: one attempt, merged once, the terminal byte for byte. Skips, saying
 * why, where namespaces cannot be created. Nothing here touches the machine's own network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Scope, git, makeRepo, runCli, spawnCli, startAgent } from '../harness.js';
import { LanUnavailable, createLan, namespacesWithPrefix, type Lan } from '../netns.js';
import type { Event } from '../ndjson-process.js';

/** How long the cable stays out: the fault itself (longer than libp2p's ~11 s to notice a dead link), not a wait for anything. */
const CUT_MS = 30_000;
/** The agent's time to come back, well past the cut: the task must wait for it rather than move. */
const AGENT_TIMEOUT_S = 120;
const TEST_TIMEOUT_MS = 180_000;
const AGENT_LISTEN = '/ip4/0.0.0.0/tcp/47470';

test('the driver\'s link down for 30 s mid-task: the task runs on, the driver reconnects, re-attaches and collects it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  let lan: Lan;
  try {
    lan = createLan(['driver', 'agent'], { tag: 'cut' });
  } catch (err) {
    if (err instanceof LanUnavailable) return t.skip(err.message);
    throw err;
  }
  const scope = new Scope();
  t.after(async () => {
    await scope.cleanup();
    lan.destroy();
    assert.deepEqual(namespacesWithPrefix(`${lan.prefix}-`), [], 'network namespaces left behind');
  });

  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# cut\n' });
  const driverDir = join(tmp, 'driver');
  const agentDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir: agentDir, wrap: lan.wrap('agent'), args: ['--listen', AGENT_LISTEN, '--no-mdns', '--pair', '--name', 'agent'] });
  const addr = `/ip4/${lan.hosts['agent']!.ip}/tcp/47470/p2p/${agent.peerId}`;
  const code = String((await agent.waitEvent((e) => e['type'] === 'pairing'))['code']);
  const paired = await runCli(['pair', code, '--agent', addr, '--data-dir', driverDir, '--no-mdns', '--json'], { wrap: lan.wrap('driver') });
  assert.equal(paired.code, 0, paired.stderr);

  const go = join(tmp, 'go');
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, ['# Cut', '', '## Tasks', '- t: Across the cut', '  !say before the cut', `  !wait-for ${go}`, '  !say during the cut', '  !write cut.txt survived', ''].join('\n'));
  const cli = spawnCli(scope, ['run', goal, '--repo', repo, '--agent', addr, '--data-dir', driverDir, '--no-mdns', '--json', '--agent-timeout', String(AGENT_TIMEOUT_S)], { wrap: lan.wrap('driver') });
  const runId = String((await cli.waitEvent((e) => e['type'] === 'run-started'))['runId']);
  await cli.waitEvent((e) => e['type'] === 'task-output' && String(e['data']).includes('before the cut'));

  const cutAt = Date.now();
  lan.link('driver', 'down');
  await writeFile(go, '');
  // The task goes on without the driver: the agent finishes it during the cut.
  const done = await agent.waitEvent((e) => e['type'] === 'task' && e['taskId'] === 't' && e['state'] === 'done', CUT_MS);
  const lost = await cli.waitEvent((e) => e['type'] === 'agent-lost', CUT_MS);
  await delay(Math.max(0, cutAt + CUT_MS - Date.now()));
  lan.link('driver', 'up');
  const upAt = Date.now();
  assert.equal(await cli.exited, 0, cli.stderr());

  const finished = cli.events.find((e) => e['type'] === 'run-finished')!['summary'] as { ok: boolean; branch: string; tasks: Array<{ id: string; attempts: number }> };
  assert.ok(finished.ok);
  assert.equal(finished.tasks[0]!.attempts, 1, 'collected from the same attempt, not run again');
  assert.equal(git(repo, 'show', `${finished.branch}:cut.txt`), 'survived');
  assert.equal(git(repo, 'log', '--format=%H', finished.branch, '--', 'cut.txt').split('\n').filter(Boolean).length, 1);
  const back = cli.events.find((e: Event) => e['type'] === 'task-status' && /re-attach/.test(String(e['detail'] ?? '')));
  assert.ok(back, 'the driver re-attached to the task');
  const merged = cli.events.find((e: Event) => e['type'] === 'task-status' && (e['task'] as { status: string }).status === 'merged')!;

  const agentLog = await readFile(join(agentDir, 'tasks', `${runId}.t`, 'term.log'));
  const driverLog = await readFile(join(driverDir, 'runs', runId, 'terms', 't.log'));
  assert.ok(driverLog.toString('utf8').includes('during the cut'), 'the output made during the cut reached the driver after it');
  assert.ok(driverLog.equals(agentLog.subarray(0, driverLog.byteLength)), 'the driver\'s copy is the agent\'s log, byte for byte');
  const at = (e: Event): number => Date.parse(String(e['time']));
  console.log(`fault: link down ${CUT_MS / 1000} s | loss detected ${at(lost) - cutAt} ms after the cut | task finished on the agent ${at(done) - cutAt} ms into the cut | re-attached ${at(back) - upAt} ms and merged ${at(merged) - upAt} ms after the link came back | tasks lost 0 | duplicated 0`);
});
