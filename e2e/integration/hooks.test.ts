/** Session state comes only from the session's own hooks: nothing else can forge it. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createHost, type Host } from '../../shared/node/host.js';
import { AgentClient } from '../../main/driver/agent-client.js';
import { RepoSync } from '../../main/driver/sync.js';
import { UserRepo } from '../../main/driver/user-repo.js';
import type { TaskStateEvent } from '../../shared/protocol/control.js';
import { Scope, git, makeRepo, startAgent, waitFor } from '../harness.js';

const scope = new Scope();
const hosts: Host[] = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await scope.cleanup();
});

/** Sends one line to the hook socket; resolves once the agent has handled it and hung up. */
function send(socket: string, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = createConnection(socket, () => c.end(line + '\n'));
    c.on('close', () => resolve());
    c.on('error', reject);
  });
}

test('a process without the session secret cannot change a task\'s state', async () => {
  const tmp = await scope.tmp();
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: [], mdns: false });
  hosts.push(host);
  const agentDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir: agentDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', host.peerId.toString()] });
  const socket = join(agentDir, 'hooks.sock');
  assert.equal(statSync(socket).mode & 0o777, 0o600, 'only the agent\'s user may even connect');

  const repoDir = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const repo = await UserRepo.open(repoDir);
  const base = git(repoDir, 'rev-parse', 'HEAD');
  const client = await AgentClient.connect(host, multiaddr(agent.addr));
  await new RepoSync(repo, tmp, 'r1').ensure(client, base);
  const states: TaskStateEvent[] = [];
  client.rpc.on('task.state', (e) => states.push(e));
  const result = new Promise((resolve) => client.rpc.on('task.result', resolve));
  const release = join(tmp, 'release');
  await client.rpc.request('task.start', { runId: 'r1', taskId: 't1', title: 'hold', prompt: `!wait-for ${release}\n!write after.txt released`, repoId: repo.repoId, base, session: { mode: 'tui' } });
  await waitFor(() => states.some((e) => e.state === 'working'), 'the session working');

  // Forgeries: a wrong secret, a secret-shaped guess, no secret, garbage, and a would-be failure.
  const now = Date.now();
  for (const secret of [randomBytes(24).toString('hex'), 'a'.repeat(48)]) {
    await send(socket, JSON.stringify({ secret, event: 'Stop', payload: {}, sentAt: now }));
    await send(socket, JSON.stringify({ secret, event: 'StopFailure', payload: { error: 'authentication_failed' }, sentAt: now }));
  }
  await send(socket, JSON.stringify({ event: 'Stop', payload: {}, sentAt: now }));
  await send(socket, '{not json');
  // The HTTP door Claude Code's hooks use: no secret, a wrong one, a wrong method.
  const url = String(agent.events.find((e) => e['type'] === 'listening')!['hookUrl']);
  for (const headers of [{}, { 'X-ClaudeCluster-Secret': randomBytes(24).toString('hex') }] as Array<Record<string, string>>) {
    const r = await fetch(`${url}/Stop`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    assert.equal(r.status, 200, 'answered, and ignored');
  }
  await fetch(`${url}/Stop`);
  const forgedAt = states.length;

  await writeFile(release, 'go');
  const r = (await result) as { ok: boolean; commit: string };
  assert.deepEqual(states.slice(0, forgedAt).map((e) => e.state), ['queued', 'starting', 'working'], 'nothing changed while only forgeries arrived');
  assert.equal(r.ok, true);
  assert.ok(states.findIndex((e) => e.state === 'turn-done') >= forgedAt);
  await client.rpc.request('task.close', { runId: 'r1', taskId: 't1' });
  await client.close();
});
