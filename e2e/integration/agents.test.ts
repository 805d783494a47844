/** `claudecluster agents`: paired agents with their state. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Scope, pairWith, runCli, startAgent, stop } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

test('lists a paired agent as online with its slots, then offline once it stops', async () => {
  const tmp = await scope.tmp();
  const driverDir = join(tmp, 'driver');
  const empty = await runCli(['agents', '--data-dir', driverDir, '--no-mdns']);
  assert.equal(empty.code, 0);
  assert.match(empty.stdout, /No agents/);

  const dataDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair', '--slots', '3', '--name', 'builder'] });
  await pairWith(scope, agent, driverDir, dataDir);
  const online = await runCli(['agents', '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.equal(online.code, 0);
  assert.deepEqual(online.events.map((e) => [e['name'], e['paired'], e['online'], e['slots'], e['fingerprint']]), [['builder', true, true, 3, agent.fingerprint]]);

  await stop(agent.proc);
  const offline = await runCli(['agents', '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.deepEqual(offline.events.map((e) => [e['peerId'], e['online']]), [[agent.peerId, false]]);
});
