/** Trust: only paired drivers get anything from an agent; pairing is one-time, limited and durable. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { PROTOCOL } from '../../shared/constants.js';
import type { Host } from '../../shared/node/host.js';
import { Scope, git, makeRepo, pairWith, runCli, startAgent, stop, waitFor, type AgentProc, type CliResult } from '../harness.js';
import { ask, pairRaw, rawPeer } from '../raw-peer.js';

const scope = new Scope();
const hosts: Host[] = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await scope.cleanup();
});

const stranger = (): Promise<Host> => rawPeer(hosts);

/** `claudecluster pair CODE` from `driverDir`, again while the agent says it is too soon (the rate limit). */
async function tryCode(agent: AgentProc, code: string, driverDir: string): Promise<CliResult> {
  let r: CliResult | undefined;
  await waitFor(async () => {
    r = await runCli(['pair', code, '--agent', agent.addr, '--data-dir', driverDir, '--no-mdns', '--json']);
    return !/too many attempts/.test(r.stdout);
  }, 'a pairing attempt that is not rate-limited');
  return r!;
}

const pairingCode = async (agent: AgentProc): Promise<string> => String((await agent.waitEvent((e) => e['type'] === 'pairing'))['code']);

test('an unpaired peer is refused on control, term, blob and pair (a wrong code; a fast retry is rate-limited)', async () => {
  const tmp = await scope.tmp();
  // Pairing window open: the connection is let in, so each protocol's own check is what refuses.
  const agent = await startAgent(scope, { dataDir: join(tmp, 'agent'), args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair'] });
  const host = await stranger();

  const control = await ask(host, agent, PROTOCOL.control, { jsonrpc: '2.0', id: 1, method: 'task.list', params: {} });
  assert.deepEqual((control['error'] as { code: number }).code, -32001);
  assert.match(String((control['error'] as { message: string }).message), /not paired/);

  const term = await ask(host, agent, PROTOCOL.term, { runId: 'r1', taskId: 'a', offset: 0 });
  assert.equal(term['ok'], false);
  assert.match(String(term['error']), /not paired/);

  const blob = await ask(host, agent, PROTOCOL.blob, { op: 'get', sha256: '0'.repeat(64), offset: 0 });
  assert.equal(blob['ok'], false);
  assert.match(String(blob['error']), /not paired/);

  for (const p of [PROTOCOL.control, PROTOCOL.term, PROTOCOL.blob]) {
    await agent.waitEvent((e) => e['type'] === 'refused' && e['protocol'] === p);
  }

  const code = String((await agent.waitEvent((e) => e['type'] === 'pairing'))['code']);
  const wrong = code.startsWith('2') ? '3333-3333' : '2222-2222';
  assert.deepEqual(await pairRaw(host, agent, wrong), { ok: false, error: 'wrong pairing code', attemptsLeft: 4 });
  // At once again, even with the right code: too soon for this peer, and not counted.
  const fast = await pairRaw(host, agent, code);
  assert.equal(fast['ok'], false);
  assert.match(String(fast['error']), /^too many attempts, wait 1 s/);
  assert.equal(fast['attemptsLeft'], 4);
  await agent.waitEvent((e) => e['type'] === 'pair-failed' && e['reason'] === 'rate-limited');

  // Without a pairing window an unknown peer cannot even connect.
  const closed = await startAgent(scope, { dataDir: join(tmp, 'agent2') });
  await assert.rejects(host.dialProtocol(multiaddr(closed.addr), PROTOCOL.control));
});

test('five wrong codes close the pairing window; a used code cannot be replayed', async () => {
  const tmp = await scope.tmp();
  const dataDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair'] });
  const code = await pairingCode(agent);
  const wrong = code.startsWith('2') ? '3333-3333' : '2222-2222';
  const left: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await tryCode(agent, wrong, join(tmp, 'driver'));
    assert.equal(r.code, 1);
    left.push(Number(r.events[0]?.['attemptsLeft']));
  }
  assert.deepEqual(left, [4, 3, 2, 1, 0]);
  const late = await tryCode(agent, code, join(tmp, 'driver'));
  assert.notEqual(late.code, 0, 'the right code must not work once the window closed');

  // A fresh window: the first driver pairs; a second driver replaying the same code is refused.
  await pairWith(scope, agent, join(tmp, 'driver'), dataDir);
  const used = String([...agent.events].reverse().find((e) => e['type'] === 'pairing')!['code']);
  const replay = await runCli(['pair', used, '--agent', agent.addr, '--data-dir', join(tmp, 'other-driver'), '--no-mdns', '--json']);
  assert.notEqual(replay.code, 0);
  assert.doesNotMatch(replay.stdout, /"type":"paired"/);
});

test('pairing survives an agent restart, and a paired driver still works after both restart', async () => {
  const tmp = await scope.tmp();
  const dataDir = join(tmp, 'agent');
  const driverDir = join(tmp, 'driver');
  const first = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair'] });
  await pairWith(scope, first, driverDir, dataDir);
  await stop(first.proc);

  const again = await startAgent(scope, { dataDir });
  assert.equal(again.peerId, first.peerId, 'the identity persists in the data dir');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, '# After restart\n\n## Tasks\n- one: Write a file\n  !write restarted.txt yes\n');
  // Each CLI invocation is a fresh driver process: this is the driver restarting too.
  const r = await runCli(['run', goal, '--repo', repo, '--agent', again.addr, '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  const branch = (r.events.find((e) => e['type'] === 'run-finished') as { summary: { branch: string } }).summary.branch;
  assert.equal(git(repo, 'show', `${branch}:restarted.txt`), 'yes');
  assert.equal(again.events.filter((e) => e['type'] === 'refused').length, 0);
});
