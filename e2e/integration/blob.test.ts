/** Blobs: uploads resume from what the agent already has, and a corrupt upload is never used. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { PROTOCOL } from '../../shared/constants.js';
import { BlobReply } from '../../shared/protocol/blob.js';
import { createHost, type Host } from '../../shared/node/host.js';
import { FramedStream } from '../../shared/node/frames.js';
import { sendAll } from '../../shared/node/stream-io.js';
import { AgentClient } from '../../main/driver/agent-client.js';
import { getBlob, putBlob } from '../../main/driver/blob-client.js';
import { Scope, startAgent, waitFor } from '../harness.js';

const scope = new Scope();
const hosts: Host[] = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await scope.cleanup();
});

async function connected(tmp: string): Promise<{ client: AgentClient; agentDir: string }> {
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: [], mdns: false });
  hosts.push(host);
  const agentDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir: agentDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', host.peerId.toString()] });
  return { client: await AgentClient.connect(host, multiaddr(agent.addr)), agentDir };
}

test('an interrupted upload resumes from the bytes already received, and downloads match', async () => {
  const tmp = await scope.tmp();
  const { client, agentDir } = await connected(tmp);
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const file = join(tmp, 'blob.bin');
  await writeFile(file, data);

  // Send the first half, then cut the stream.
  const half = Math.floor(data.length / 2);
  const stream = await client.openStream(PROTOCOL.blob);
  const framed = new FramedStream(stream);
  await framed.write({ op: 'put', sha256, size: data.length });
  assert.deepEqual(await framed.read(BlobReply), { ok: true, offset: 0 });
  await sendAll(framed.unwrap(), data.subarray(0, half));
  const part = join(agentDir, 'blobs', `${sha256}.part`);
  await waitFor(async () => (await readFile(part).catch(() => Buffer.alloc(0))).length === half, 'the partial upload on the agent');
  stream.abort(new Error('cut'));

  // The next upload starts where the first stopped.
  const offsets: number[] = [];
  const probe = await client.openStream(PROTOCOL.blob);
  const pf = new FramedStream(probe);
  await pf.write({ op: 'put', sha256, size: data.length });
  const reply = await pf.read(BlobReply);
  offsets.push('offset' in reply ? reply.offset : -1);
  probe.abort(new Error('probe only'));
  assert.deepEqual(offsets, [half]);
  await putBlob(client, file, sha256, data.length);

  const back = join(tmp, 'back.bin');
  await getBlob(client, sha256, back);
  assert.ok((await readFile(back)).equals(data));
  await client.close();
});

test('an upload whose bytes do not match its sha256 is rejected and not kept', async () => {
  const tmp = await scope.tmp();
  const { client, agentDir } = await connected(tmp);
  const file = join(tmp, 'blob.bin');
  await writeFile(file, Buffer.from('the real content'));
  const wrong = createHash('sha256').update('something else entirely').digest('hex');
  await assert.rejects(putBlob(client, file, wrong, 16), /corrupt/);
  const left = await readdir(join(agentDir, 'blobs'));
  assert.deepEqual(left, []);
  await client.close();
});
