/** Attach: terminal output is kept on the agent, so any connection can replay it from any offset. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createHost, type Host } from '../../shared/node/host.js';
import { AgentClient } from '../../main/driver/agent-client.js';
import { attachTerm } from '../../main/driver/term-client.js';
import { RepoSync } from '../../main/driver/sync.js';
import { UserRepo } from '../../main/driver/user-repo.js';
import { Scope, git, makeRepo, startAgent, waitFor } from '../harness.js';

const scope = new Scope();
const hosts: Host[] = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await scope.cleanup();
});

test('a second connection attaching at offset 0 receives every byte the first saw', async () => {
  const tmp = await scope.tmp();
  const key = await generateKeyPair('Ed25519');
  const host1 = await createHost({ privateKey: key, listen: [], mdns: false });
  hosts.push(host1);
  const agent = await startAgent(scope, { dataDir: join(tmp, 'agent'), args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', host1.peerId.toString()] });
  const repoDir = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const repo = await UserRepo.open(repoDir);
  const base = git(repoDir, 'rev-parse', 'HEAD');

  const client1 = await AgentClient.connect(host1, multiaddr(agent.addr));
  await new RepoSync(repo, tmp).ensure(client1, base);
  const release = join(tmp, 'release');
  const prompt = ['!say first part', '!flood 300000', `!wait-for ${release}`, '!say second part', '!flood 200000'].join('\n');
  const ref = { runId: 'r1', taskId: 't1' };
  const result = new Promise((resolve) => client1.rpc.on('task.result', resolve));
  await client1.rpc.request('task.start', { ...ref, title: 'attach', prompt, repoId: repo.repoId, base, session: { mode: 'headless' } });

  const seen1: Buffer[] = [];
  const first = await attachTerm(client1, ref, 0, (c) => { seen1.push(Buffer.from(c)); });
  await waitFor(() => first.received >= 300_000, 'the first part of the output');

  // A second driver connection (another libp2p node with the same identity), mid-task.
  const host2 = await createHost({ privateKey: key, listen: [], mdns: false });
  hosts.push(host2);
  const client2 = await AgentClient.connect(host2, multiaddr(agent.addr));
  const seen2: Buffer[] = [];
  const second = await attachTerm(client2, ref, 0, (c) => { seen2.push(Buffer.from(c)); });
  await writeFile(release, 'go');
  // The session waits for a follow-up after its turn; closing it (as a run's end does) ends both streams.
  await result;
  await client1.rpc.request('task.close', ref);
  await Promise.all([first.done, second.done]);

  const a = Buffer.concat(seen1);
  const b = Buffer.concat(seen2);
  assert.ok(a.length > 500_000, `only ${a.length} bytes`);
  assert.ok(a.includes('second part') && a.includes('✓ done'), 'the rendered session, to its last line');
  assert.equal(b.length, a.length);
  assert.ok(b.equals(a), 'the replayed terminal differs from the live one');

  // Attaching from an offset gives exactly the rest.
  const offset = 123_457;
  const seen3: Buffer[] = [];
  const third = await attachTerm(client2, ref, offset, (c) => { seen3.push(Buffer.from(c)); });
  await third.done;
  assert.ok(Buffer.concat(seen3).equals(a.subarray(offset)));
  await client1.close();
  await client2.close();
});
