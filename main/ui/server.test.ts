import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { AppService } from '../app/service.js';
import type { RpcMessage } from '../../shared/protocol/jsonrpc.js';
import { BRIDGE_WS_PATH } from '../../shared/bridge/constants.js';
import { MAX_BRIDGE_MESSAGE_BYTES, startUiServer, type UiServer } from './server.js';

let dir = '';
let server: UiServer;
const received: unknown[] = [];
let closed = 0;

/** A service that answers every message with it, so the socket's plumbing can be seen. */
const echo: AppService = {
  peerId: 'test',
  stop: async () => undefined,
  openClient: (send: (m: RpcMessage) => void) => ({
    receive: async (raw) => {
      received.push(raw);
      send({ jsonrpc: '2.0', id: 1, result: raw ?? null });
    },
    close: () => { closed++; },
  }),
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cc-ui-server-'));
  const renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>app</title><script type="module" src="./assets/app.js"></script>');
  await writeFile(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'not for the browser');
  await symlink(join(dir, 'secret.txt'), join(renderer, 'assets', 'leak.txt'));
  server = await startUiServer({ service: echo, port: 0, rendererDir: renderer });
});

after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const base = (): string => `http://127.0.0.1:${server.port}`;

test('the built page with the token, its assets with their types; no symlink out, no directory, only GET', async () => {
  const page = await fetch(server.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>app<\/title>/);
  assert.equal(page.headers.get('cache-control'), 'no-store');
  const js = await fetch(`${base()}/assets/app.js`);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(js.headers.get('content-security-policy')?.includes(`ws://127.0.0.1:${server.port}`));
  assert.equal((await fetch(`${base()}/assets/leak.txt`)).status, 404, 'a symlink out of the renderer is not followed');
  assert.equal((await fetch(`${base()}/assets/`)).status, 404);
  assert.equal((await fetch(`${base()}/assets/%2e%2e/%2e%2e/secret.txt`)).status, 404);
  assert.equal((await fetch(`${base()}/index.html`)).status, 403, 'the page by its file name needs the token too');
  assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
  assert.equal((await fetch(`${base()}${BRIDGE_WS_PATH}`)).status, 426);
});

test('the socket carries JSON both ways, answers a non-JSON message, and closes on an oversized one', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${BRIDGE_WS_PATH}?token=${server.token}`, { origin: base() });
  const replies: unknown[] = [];
  ws.on('message', (d) => replies.push(JSON.parse(String(d))));
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  ws.send(JSON.stringify({ hello: 'there' }));
  ws.send('not json');
  await waitUntil(() => replies.length === 2);
  assert.deepEqual(received.slice(-2), [{ hello: 'there' }, undefined]);
  const code = await new Promise<number>((resolve) => {
    ws.once('close', (c) => resolve(c));
    ws.send('x'.repeat(MAX_BRIDGE_MESSAGE_BYTES + 1));
  });
  assert.equal(code, 1009, 'message too big');
  await waitUntil(() => closed === 1);
});

async function waitUntil(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
