import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcClient, RpcServer } from './rpc-endpoint.js';
import { MAX_ERROR_MESSAGE_CHARS, RPC_ERROR, RpcError, RpcResponse, type RpcMessage } from './jsonrpc.js';
import { controlContract } from './control.js';

/** A client and server wired back to back, the way a stream would carry them. */
function pair() {
  // Messages go through JSON, as on the wire; each side is reached through a holder.
  const wire = { server: undefined as RpcServer<typeof controlContract> | undefined };
  const client = new RpcClient(controlContract, (m) => { void wire.server?.receive(JSON.parse(JSON.stringify(m))); });
  const server = new RpcServer(controlContract, (m) => client.receive(JSON.parse(JSON.stringify(m))));
  wire.server = server;
  return { client, server };
}

const info = {
  peerId: 'p', name: 'n', version: '1', platform: 'linux-x64', slots: 2, running: 0, claudeBin: 'claude',
  claude: { version: '2.1.197', loggedIn: true }, permissionModes: ['acceptEdits'],
};

test('a request reaches its handler and the validated result comes back', async () => {
  const { client, server } = pair();
  server.handle('agent.info', () => info);
  assert.deepEqual(await client.request('agent.info', {}), info);
});

test('params that break the schema never reach the handler', async () => {
  const { client, server } = pair();
  let called = false;
  server.handle('repo.tips', () => { called = true; return { tips: [] }; });
  await assert.rejects(client.request('repo.tips', { repoId: 'not-a-hash' } as never), (e: RpcError) => e.code === RPC_ERROR.invalidParams && /repoId/.test(e.message));
  assert.equal(called, false);
});

test('unknown fields are refused with a clear error', async () => {
  const { client, server } = pair();
  server.handle('agent.info', () => info);
  await assert.rejects(client.request('agent.info', { extra: 1 } as never), (e: RpcError) => e.code === RPC_ERROR.invalidParams && /extra/.test(e.message));
});

test('a malformed result from the server is rejected by the client', async () => {
  const { client, server } = pair();
  server.handle('agent.info', () => ({ ...info, slots: -1 }));
  await assert.rejects(client.request('agent.info', {}), /malformed result/);
});

test('unknown methods and garbage get errors, not crashes', async () => {
  const replies: RpcMessage[] = [];
  const server = new RpcServer(controlContract, (m) => replies.push(m));
  await server.receive({ jsonrpc: '2.0', id: 7, method: 'rm -rf', params: {} });
  await server.receive({ jsonrpc: '2.0', id: 8, method: 'constructor', params: {} });
  await server.receive({ hello: 'world' });
  await server.receive(42);
  assert.equal(replies.length, 4);
  const codes = replies.map((r) => ('error' in r ? r.error.code : 0));
  assert.deepEqual(codes, [RPC_ERROR.methodNotFound, RPC_ERROR.methodNotFound, RPC_ERROR.invalidRequest, RPC_ERROR.invalidRequest]);
});

test('a handler error crosses as an RpcError with its code', async () => {
  const { client, server } = pair();
  server.handle('task.cancel', () => { throw new RpcError(RPC_ERROR.notFound, 'no such task'); });
  await assert.rejects(client.request('task.cancel', { runId: 'r', taskId: 't' }), (e: RpcError) => e.code === RPC_ERROR.notFound);
});

test('notifications are validated before listeners see them; close fails pending requests', async () => {
  const seen: unknown[] = [];
  const client = new RpcClient(controlContract, () => undefined);
  client.on('task.state', (e) => seen.push(e));
  assert.match(client.receive({ jsonrpc: '2.0', method: 'task.state', params: { runId: 'r', taskId: 't', state: 'bogus', at: 1 } }) ?? '', /state/);
  assert.equal(client.receive({ jsonrpc: '2.0', method: 'task.state', params: { runId: 'r', taskId: 't', state: 'working', at: 1 } }), undefined);
  assert.equal(seen.length, 1);
  const pending = client.request('agent.info', {});
  client.close(new Error('gone'));
  await assert.rejects(pending, /gone/);
  await assert.rejects(client.request('agent.info', {}), /gone/);
});

test('an invalid request is answered with its id only when that id is one a response may carry', async () => {
  const replies: RpcMessage[] = [];
  const server = new RpcServer(controlContract, (m) => replies.push(m));
  // Found by the fuzzer: ids a response schema refuses (2^53, 1.5, an object) were echoed back.
  for (const id of [2 ** 53, 1.5, { a: 1 }, 'x'.repeat(65), 9, 's']) await server.receive({ jsonrpc: '1.0', id, method: 'agent.info' });
  assert.deepEqual(replies.map((r) => ('id' in r ? r.id : 'none')), [null, null, null, null, 9, 's']);
  for (const r of replies) assert.ok(RpcResponse.safeParse(r).success, JSON.stringify(r));
});

test('error messages are capped, however much a hostile frame gives them to describe', async () => {
  const replies: RpcMessage[] = [];
  const server = new RpcServer(controlContract, (m) => replies.push(m));
  server.handle('agent.info', () => info);
  const params = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`${i}${'k'.repeat(200)}`, 0]));
  await server.receive({ jsonrpc: '2.0', id: 1, method: 'agent.info', params });
  const reply = replies[0]!;
  assert.ok('error' in reply && reply.error.code === RPC_ERROR.invalidParams);
  assert.ok(reply.error.message.length <= MAX_ERROR_MESSAGE_CHARS, `${reply.error.message.length} chars`);
  assert.match(reply.error.message, /^agent\.info: .*Unrecognized key.*…$/);
});

test('a handler that calls next lets the transport take the next request before it is answered', async () => {
  const sent: RpcMessage[] = [];
  const server = new RpcServer(controlContract, (m) => sent.push(m));
  let release!: () => void;
  const disk = new Promise<void>((resolve) => (release = resolve));
  server.handle('repo.tips', async (_params, next) => {
    next();
    await disk;
    return { tips: [] };
  });
  server.handle('agent.info', () => info);
  const repoId = 'a'.repeat(64);
  await server.receive({ jsonrpc: '2.0', id: 1, method: 'repo.tips', params: { repoId } });
  await server.receive({ jsonrpc: '2.0', id: 2, method: 'agent.info', params: {} });
  // The second was answered while the first still waits.
  assert.deepEqual(sent.map((m) => (m as { id: number }).id), [2]);
  release();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(sent.map((m) => (m as { id: number }).id), [2, 1]);
});

test('a handler that never calls next holds the transport until it is answered', async () => {
  const sent: RpcMessage[] = [];
  const server = new RpcServer(controlContract, (m) => sent.push(m));
  server.handle('repo.tips', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return { tips: [] };
  });
  await server.receive({ jsonrpc: '2.0', id: 1, method: 'repo.tips', params: { repoId: 'a'.repeat(64) } });
  assert.equal(sent.length, 1);
});
