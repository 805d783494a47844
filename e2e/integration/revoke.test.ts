/**
 * Revocation: a driver unpaired on the agent (by its owner) or by itself is cut off at once — its
 * open control stream is refused, its connection closed, and every protocol refuses it after; a
 * driver unpairing with `claudecluster unpair` takes itself off the agent's allowlist too.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { PROTOCOL } from '../../shared/constants.js';
import { RPC_ERROR } from '../../shared/protocol/jsonrpc.js';
import type { Host } from '../../shared/node/host.js';
import { CLI_BIN, FAKE_CLAUDE, Scope, makeRepo, pairWith, runCli, startAgent, waitFor, type AgentProc } from '../harness.js';
import { RawControl, agentCmd, askEveryProtocol, connectionsTo, pairRaw, rawPeer, type Reply } from '../raw-peer.js';

const scope = new Scope();
const hosts: Host[] = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await scope.cleanup();
});

const LOOPBACK = ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'];

async function pairedPeer(agent: AgentProc): Promise<{ host: Host; code: string }> {
  const code = String((await agent.waitEvent((e) => e['type'] === 'pairing'))['code']);
  const host = await rawPeer(hosts);
  assert.deepEqual(await pairRaw(host, agent, code), { ok: true, agentName: (await agent.waitEvent((e) => e['type'] === 'listening'))['name'] });
  return { host, code };
}

/** The agent's answers on every protocol to a peer it does not trust (with its pairing window open). */
async function assertRefusedEverywhere(host: Host, agent: AgentProc, usedCode: string): Promise<void> {
  const { control, term, blob } = await askEveryProtocol(host, agent);
  assert.equal((control['error'] as { code: number }).code, RPC_ERROR.notPaired, 'control');
  assert.match(String((control['error'] as { message: string }).message), /not paired/);
  assert.deepEqual([term['ok'], String(term['error'])], [false, 'not paired with this agent'], 'term');
  assert.deepEqual([blob['ok'], String(blob['error'])], [false, 'not paired with this agent'], 'blob');
  const pair = await pairRaw(host, agent, usedCode);
  assert.equal(pair['ok'], false, 'pair with a used code');
  assert.equal(pair['error'], 'wrong pairing code');
}

const auditOf = async (dataDir: string): Promise<Reply[]> => (await agentCmd(scope, ['audit', '--data-dir', dataDir, '--json'])).events;

test('a driver unpaired on the agent while connected loses its streams and connection at once, and every protocol refuses it', async () => {
  const dataDir = join(await scope.tmp(), 'agent');
  const agent = await startAgent(scope, { dataDir, args: [...LOOPBACK, '--pair'] });
  const { host, code } = await pairedPeer(agent);
  const control = await RawControl.open(host, agent);
  assert.deepEqual((await control.request('task.list'))['result'], { tasks: [] });
  assert.deepEqual((await agentCmd(scope, ['drivers', '--data-dir', dataDir, '--json'])).events.map((e) => [e['peerId'], e['name']]), [[host.peerId.toString(), 'raw-driver']]);

  const unpair = await agentCmd(scope, ['unpair', host.peerId.toString(), '--data-dir', dataDir, '--json']);
  assert.equal(unpair.code, 0, unpair.stderr);
  assert.deepEqual(unpair.events[0], { type: 'unpaired', peerId: host.peerId.toString(), removed: true, cancelled: 0, agentRunning: true });
  // The agent hung up before it answered: the connection is gone, and the open control stream with it.
  await waitFor(() => connectionsTo(host, agent) === 0, 'the revoked driver\'s connection to close');
  await assert.rejects(control.request('task.list'));
  assert.deepEqual((await agentCmd(scope, ['drivers', '--data-dir', dataDir, '--json'])).events, []);
  // No pairing window: it cannot even connect again.
  await assert.rejects(host.dialProtocol(multiaddr(agent.addr), PROTOCOL.control));

  // With a window open (so the connection is let in), each protocol refuses it by itself.
  assert.equal((await agentCmd(scope, ['pair', '--data-dir', dataDir, '--json'])).code, 0);
  await assertRefusedEverywhere(host, agent, code);
  for (const p of [PROTOCOL.control, PROTOCOL.term, PROTOCOL.blob]) {
    await agent.waitEvent((e) => e['type'] === 'refused' && e['protocol'] === p && e['peerId'] === host.peerId.toString());
  }
  const audit = await auditOf(dataDir);
  const mine = audit.filter((e) => e['peerId'] === host.peerId.toString()).map((e) => [e['action'], e['protocol'] ?? e['by'] ?? '']);
  assert.deepEqual(mine.slice(0, 3), [['pair', ''], ['unpair', 'agent'], ['refused', 'connection']]);
  assert.equal(audit.find((e) => e['action'] === 'unpair')?.['name'], 'raw-driver');
});

test('a driver that unpairs itself is refused on its open control stream at once, then disconnected', async () => {
  const dataDir = join(await scope.tmp(), 'agent');
  const agent = await startAgent(scope, { dataDir, args: [...LOOPBACK, '--pair'] });
  const { host } = await pairedPeer(agent);
  const control = await RawControl.open(host, agent);
  assert.deepEqual((await control.request('driver.unpair'))['result'], { ok: true });
  // Same stream, next request: the allowlist is checked on every request, not only at open.
  const next = await control.request('task.list');
  assert.equal((next['error'] as { code: number }).code, RPC_ERROR.notPaired);
  await waitFor(() => connectionsTo(host, agent) === 0, 'the agent to close the unpaired driver\'s connection');
  await agent.waitEvent((e) => e['type'] === 'unpaired' && e['by'] === 'driver' && e['peerId'] === host.peerId.toString());
  assert.deepEqual((await agentCmd(scope, ['drivers', '--data-dir', dataDir, '--json'])).events, []);
});

test('claudecluster unpair forgets the agent and takes the driver off the agent\'s allowlist', async () => {
  const tmp = await scope.tmp();
  const dataDir = join(tmp, 'agent');
  const driverDir = join(tmp, 'driver');
  const agent = await startAgent(scope, { dataDir, args: LOOPBACK });
  await pairWith(scope, agent, driverDir, dataDir);
  assert.equal((await agentCmd(scope, ['drivers', '--data-dir', dataDir, '--json'])).events.length, 1);

  const r = await runCli(['unpair', agent.peerId, '--data-dir', driverDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.events[0], { type: 'unpaired', peerId: agent.peerId, name: String(agent.events[0]!['name']), agentTold: true });
  assert.deepEqual((await agentCmd(scope, ['drivers', '--data-dir', dataDir, '--json'])).events, []);
  await agent.waitEvent((e) => e['type'] === 'unpaired' && e['by'] === 'driver');
  const agents = await runCli(['agents', '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.deepEqual(agents.events, [], 'the driver no longer lists the agent');
  const again = await runCli(['unpair', agent.peerId, '--data-dir', driverDir, '--json']);
  assert.equal(again.code, 1);
});

test('a peer replaying a used pairing code is refused on every protocol', async () => {
  const dataDir = join(await scope.tmp(), 'agent');
  const agent = await startAgent(scope, { dataDir, args: [...LOOPBACK, '--pair'] });
  // The replaying peer connects while the window is open, so its connection outlives the window.
  const replayer = await rawPeer(hosts);
  await replayer.dial(multiaddr(agent.addr));
  const { code } = await pairedPeer(agent);
  const replay = await pairRaw(replayer, agent, code);
  assert.deepEqual(replay, { ok: false, error: 'pairing is not open on this agent', attemptsLeft: 0 });
  const { control, term, blob } = await askEveryProtocol(replayer, agent);
  assert.equal((control['error'] as { code: number }).code, RPC_ERROR.notPaired);
  assert.equal(term['ok'], false);
  assert.equal(blob['ok'], false);
  // A new window has a new code: the old one is just a wrong code there.
  assert.equal((await agentCmd(scope, ['pair', '--data-dir', dataDir, '--json'])).code, 0);
  await assertRefusedEverywhere(replayer, agent, code);
  const failed = (await auditOf(dataDir)).filter((e) => e['action'] === 'pair-failed' && e['peerId'] === replayer.peerId.toString());
  assert.deepEqual(failed.map((e) => e['reason']), ['wrong-code']);
});

test('the tasks of a driver unpaired on the agent are cancelled', async () => {
  const tmp = await scope.tmp();
  const dataDir = join(tmp, 'agent');
  const driverDir = join(tmp, 'driver');
  const agent = await startAgent(scope, { dataDir, args: LOOPBACK });
  await pairWith(scope, agent, driverDir, dataDir);
  const driverPeer = String((await agentCmd(scope, ['drivers', '--data-dir', dataDir, '--json'])).events[0]?.['peerId']);
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  // The task waits for a file nobody writes: it is working until something ends it.
  await writeFile(goal, `# Long\n\n## Tasks\n- long: Wait\n  !wait-for ${join(tmp, 'never')}\n`);
  const run = scope.track(spawn(process.execPath, [CLI_BIN, 'run', goal, '--repo', repo, '--agent', agent.addr, '--data-dir', driverDir, '--no-mdns', '--json'], {
    env: { ...process.env, CLAUDECLUSTER_CLAUDE_BIN: FAKE_CLAUDE },
  }));
  run.stdout!.resume();
  run.stderr!.resume();
  await agent.waitEvent((e) => e['type'] === 'task' && e['taskId'] === 'long' && e['state'] === 'working');

  const unpair = await agentCmd(scope, ['unpair', driverPeer, '--data-dir', dataDir, '--json']);
  assert.equal(unpair.code, 0, unpair.stderr);
  assert.equal(unpair.events[0]?.['cancelled'], 1);
  await agent.waitEvent((e) => e['type'] === 'task' && e['taskId'] === 'long' && e['state'] === 'cancelled');
  await waitFor(async () => (await auditOf(dataDir)).some((e) => e['action'] === 'task.cancel' && e['taskId'] === 'long' && e['peerId'] === driverPeer), 'the cancellation in the audit log');
});
