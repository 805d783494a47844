/** Session state comes only from the session's own hooks: nothing else can forge it. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, waitFor } from '../harness.js';
import { directAgent, type DirectAgent } from '../direct-agent.js';

const scope = new Scope();
const closers: DirectAgent[] = [];
after(async () => {
  await Promise.all(closers.map((d) => d.close()));
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
  const d = await directAgent(scope, tmp);
  closers.push(d);
  const socket = join(d.agentDir, 'hooks.sock');
  assert.equal(statSync(socket).mode & 0o777, 0o600, 'only the agent\'s user may even connect');
  const { states, client, agent } = d;
  const result = new Promise((resolve) => client.rpc.on('task.result', resolve));
  const release = join(tmp, 'release');
  await d.start('t1', `!wait-for ${release}\n!write after.txt released`);
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
});
