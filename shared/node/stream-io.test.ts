import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createHost, type Host } from './host.js';
import { consume, sendAll } from './stream-io.js';

const PROTOCOL = '/claudecluster-test/stream-io/1';
const CHUNK = 64 * 1024;
/** Three times the read buffer's limit (host.ts): a reader that let the remote send on while it works overflows it. */
const TOTAL = 24 * 1024 * 1024;
/** One write takes this long: at loopback speed, far more than the buffer's limit would arrive meanwhile. */
const SLOW_WRITE_MS = 300;

const hosts: Host[] = [];
after(() => Promise.all(hosts.map((h) => h.stop())));

async function host(listen: string[]): Promise<Host> {
  const h = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen, mdns: false });
  hosts.push(h);
  return h;
}

test('a reader slower than the sender gets every byte: the stream is held back while it works, never overflowing', async () => {
  const server = await host(['/ip4/127.0.0.1/tcp/0']);
  await server.handle(PROTOCOL, async (stream) => {
    const chunk = new Uint8Array(CHUNK).fill(7);
    for (let sent = 0; sent < TOTAL; sent += CHUNK) await sendAll(stream, chunk);
    await stream.close();
  });
  const client = await host([]);
  const stream = await client.dialProtocol(server.getMultiaddrs()[0]!, PROTOCOL);
  let received = 0;
  let chunks = 0;
  // A disk that takes a moment for each write, and one much longer, after the stream has been
  // paused and resumed a few times.
  await consume(stream, (chunk) => {
    received += chunk.byteLength;
    return sleep(++chunks === 3 ? SLOW_WRITE_MS : 5);
  });
  assert.equal(received, TOTAL);
});
