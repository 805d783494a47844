/**
 * A task's terminal log is capped on the agent: past TERM_LOG_CAP_BYTES its oldest output is
 * dropped, while offsets stay absolute. A driver attaching at an offset rotated away is told where
 * the kept output starts and gets everything from there to the end.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createHost, type Host } from '../../shared/node/host.js';
import { AgentClient } from '../../main/driver/agent-client.js';
import { attachTerm } from '../../main/driver/term-client.js';
import { RepoSync } from '../../main/driver/sync.js';
import { UserRepo } from '../../main/driver/user-repo.js';
import { TERM_LOG_CAP_BYTES } from '../../agent/term-log.js';
import { Scope, git, makeRepo, startAgent } from '../harness.js';

const scope = new Scope();
const hosts: Host[] = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await scope.cleanup();
});

/** Output past the cap by a margin: at least one rotation drops a whole segment. */
const FLOOD_BYTES = TERM_LOG_CAP_BYTES + 8 * 1024 * 1024;

test('a log past its cap keeps its newest output; attaching at 0 is told where the kept output starts', { timeout: 180_000 }, async () => {
  const tmp = await scope.tmp();
  const key = await generateKeyPair('Ed25519');
  const host = await createHost({ privateKey: key, listen: [], mdns: false });
  hosts.push(host);
  const dataDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', host.peerId.toString()] });
  const repoDir = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const repo = await UserRepo.open(repoDir);
  const base = git(repoDir, 'rev-parse', 'HEAD');
  const client = await AgentClient.connect(host, multiaddr(agent.addr));
  await new RepoSync(repo, tmp).ensure(client, base);

  const ref = { runId: 'r1', taskId: 'flood' };
  const result = new Promise((resolve) => client.rpc.on('task.result', resolve));
  const started = Date.now();
  await client.rpc.request('task.start', { ...ref, title: 'flood', prompt: `!say first words\n!flood ${FLOOD_BYTES}\n!say last words`, repoId: repo.repoId, base, session: { mode: 'headless' } });
  await result;
  await client.rpc.request('task.close', ref);
  const { tasks } = await client.rpc.request('task.list', { runId: 'r1' });
  const logBytes = tasks[0]!.logBytes;
  assert.ok(logBytes > FLOOD_BYTES, `the log counts every byte written (${logBytes})`);

  // On disk: two segments, together within the cap.
  const taskDir = join(dataDir, 'tasks', readdirSync(join(dataDir, 'tasks'))[0]!);
  const segments = readdirSync(taskDir).filter((n) => /^term\.log(\.\d+)?$/.test(n));
  const onDisk = segments.reduce((sum, n) => sum + statSync(join(taskDir, n)).size, 0);
  assert.equal(segments.length, 2, segments.join(', '));
  assert.ok(onDisk <= TERM_LOG_CAP_BYTES, `${onDisk} bytes on disk`);

  const chunks: Buffer[] = [];
  let lastAt = -1;
  const att = await attachTerm(client, ref, 0, (c, at) => { chunks.push(Buffer.from(c)); lastAt = at; });
  await att.done;
  const got = Buffer.concat(chunks);
  console.log(`term log: ${logBytes} bytes written in ${Date.now() - started} ms, ${onDisk} kept on disk; attach at 0 starts at ${att.start}`);
  assert.equal(att.start, logBytes - onDisk, 'told where the kept output starts');
  assert.equal(att.start + att.received, logBytes, 'everything kept, to the end');
  assert.equal(lastAt + chunks.at(-1)!.byteLength, logBytes, 'chunk offsets are absolute');
  assert.ok(got.includes('last words') && !got.includes('first words'), 'the newest output is kept, the oldest dropped');

  // An offset still kept reads from exactly there (no start in the reply).
  const later = logBytes - 1000;
  const tail: Buffer[] = [];
  const second = await attachTerm(client, ref, later, (c) => { tail.push(Buffer.from(c)); });
  await second.done;
  assert.equal(second.start, later);
  assert.ok(Buffer.concat(tail).equals(got.subarray(got.length - 1000)));
  await client.close();
});
