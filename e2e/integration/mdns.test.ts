/**
 * Discovery on a real (simulated) LAN: a driver and two agents, each in its own network
 * namespace joined by a bridge, with mDNS on. The driver pairs with each agent by bare PeerId
 * (found by mDNS, no address given), then runs a goal with no --agent and no --local: it must
 * find both agents by mDNS and run one task on each.
 *
 * Every process runs inside namespaces this test creates; nothing multicasts from the machine's
 * own network. Without permission to create namespaces the test skips, saying why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, runCli, startAgent, type AgentProc } from '../harness.js';
import { LanUnavailable, createLan, namespacesWithPrefix, type Lan } from '../netns.js';

/** The agents' port: stable, as in real use, so mDNS answers stay valid. */
const AGENT_LISTEN = '/ip4/0.0.0.0/tcp/47470';
/** The whole scenario: two agent starts, two pairings, one run, with room for a slow CI box. */
const TEST_TIMEOUT_MS = 120_000;
/**
 * The run itself takes a few seconds; past this, it is stuck (a task waits for a partner task
 * that no agent runs) and is stopped so the failure shows what the driver printed.
 */
const RUN_DEADLINE_MS = 60_000;
const AGENT_NAMES = ['agent1', 'agent2'] as const;

interface TaskSummary { id: string; status: string; agent?: string }
interface Finished { summary: { ok: boolean; branch: string; tasks: TaskSummary[] } }

test('a driver finds two paired agents on the LAN by mDNS and runs one task on each', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  let lan: Lan;
  try {
    lan = createLan(['driver', ...AGENT_NAMES]);
  } catch (err) {
    if (err instanceof LanUnavailable) {
      t.skip(err.message);
      return;
    }
    throw err;
  }
  const scope = new Scope();
  t.after(async () => {
    await scope.cleanup();
    lan.destroy();
    const left = namespacesWithPrefix(`${lan.prefix}-`);
    assert.deepEqual(left, [], `network namespaces left behind: ${left.join(', ')}`);
  });

  const tmp = await scope.tmp();
  const sync = join(tmp, 'sync');
  await mkdir(sync);
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n' });
  const driverDir = join(tmp, 'driver');

  const agents: AgentProc[] = [];
  for (const name of AGENT_NAMES) {
    const agent = await startAgent(scope, {
      dataDir: join(tmp, name),
      wrap: lan.wrap(name),
      args: ['--listen', AGENT_LISTEN, '--pair', '--slots', '1', '--name', name],
    });
    // The agent really sits in its namespace: it listens on its LAN address.
    const listening = agent.events.find((e) => e['type'] === 'listening')!;
    assert.ok((listening['addrs'] as string[]).some((a) => a.startsWith(`/ip4/${lan.hosts[name]!.ip}/tcp/`)), `${name} addrs: ${JSON.stringify(listening['addrs'])}`);

    const pairing = await agent.waitEvent((e) => e['type'] === 'pairing');
    // A bare PeerId: the driver has to find the agent on the LAN by mDNS.
    const r = await runCli(['pair', String(pairing['code']), '--agent', agent.peerId, '--data-dir', driverDir, '--json'], { wrap: lan.wrap('driver') });
    assert.equal(r.code, 0, `pairing ${name} failed: ${r.stdout} ${r.stderr}`);
    const paired = r.events.find((e) => e['type'] === 'paired');
    assert.equal(paired?.['peerId'], agent.peerId);
    agents.push(agent);
  }

  // a and b wait for each other: with one slot per agent, the run can only finish if both
  // agents were found and each ran one task.
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '# Two files', '', 'Two independent changes for the mDNS test.', '', '## Tasks',
    '- a: Add a.txt', `  !write ${sync}/a-started 1`, `  !wait-for ${sync}/b-started`, '  !write a.txt made by A',
    '- b: Add b.txt', `  !write ${sync}/b-started 1`, `  !wait-for ${sync}/a-started`, '  !write b.txt made by B',
    '',
  ].join('\n'));

  const started = Date.now();
  const deadline = setTimeout(() => lan.kill('driver'), RUN_DEADLINE_MS);
  const r = await runCli(['run', goal, '--repo', repo, '--data-dir', driverDir, '--json'], { wrap: lan.wrap('driver') });
  clearTimeout(deadline);
  const printed = r.events.filter((e) => e['type'] !== 'task-output').map((e) => JSON.stringify(e)).join('\n');
  assert.equal(r.code, 0, `run failed or was stopped after ${RUN_DEADLINE_MS} ms: ${r.stderr}\n${printed}`);

  const joined = r.events.filter((e) => e['type'] === 'agent-joined');
  assert.deepEqual(new Set(joined.map((e) => e['peerId'])), new Set(agents.map((a) => a.peerId)));
  const joinTimes = joined.map((e) => Date.parse(String(e['time']))).sort((x, y) => x - y);
  console.log(`mDNS discovery: first agent joined ${joinTimes[0]! - started} ms and second ${joinTimes[1]! - started} ms after the run command started`);

  const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as Finished;
  assert.ok(finished.summary.ok);
  const { branch, tasks } = finished.summary;
  assert.equal(git(repo, 'show', `${branch}:a.txt`), 'made by A');
  assert.equal(git(repo, 'show', `${branch}:b.txt`), 'made by B');
  assert.deepEqual(tasks.map((task) => task.status).sort(), ['merged', 'merged']);
  assert.deepEqual(tasks.map((task) => task.agent).sort(), [...AGENT_NAMES]);
});
