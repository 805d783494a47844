/** What the fuzzer found, each pinned by a focused check against a real agent. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROTOCOL } from '../../shared/constants.js';
import { FramedStream } from '../../shared/node/frames.js';
import { TermOpened } from '../../shared/protocol/term.js';
import { BlobReply } from '../../shared/protocol/blob.js';
import { RpcResponse } from '../../shared/protocol/jsonrpc.js';
import { Scope, waitFor } from '../harness.js';
import { directAgent, type DirectAgent } from '../direct-agent.js';

const scope = new Scope();
let d: DirectAgent | undefined;
after(async () => {
  await d?.close();
  await scope.cleanup();
});

/** Thousands of unknown keys: describing them all overran every error cap. */
const manyKeys = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`${i}${'k'.repeat(100)}`, 0]));

test('answers to what the fuzzer sent stay within their contracts, and attaching past the end of a log is refused', async () => {
  d = await directAgent(scope, await scope.tmp());
  const agent = d;
  await agent.start('t1', `!wait-for ${join(agent.agentDir, 'never')}`);
  await waitFor(() => agent.states.some((e) => e.state === 'working'), 'the session working');
  const open = async (protocol: string): Promise<FramedStream> => new FramedStream(await agent.client.openStream(protocol));

  // An offset past the end of the log waited forever for bytes not yet written.
  const term = await open(PROTOCOL.term);
  await term.write({ runId: 'r1', taskId: 't1', offset: 2 ** 40 });
  const opened = TermOpened.parse(await term.readJson());
  assert.ok(!opened.ok && /past the end/.test(opened.error), JSON.stringify(opened));

  // Error frames of the header protocols kept every key in their text, past their contracts' caps.
  const badTerm = await open(PROTOCOL.term);
  await badTerm.write(manyKeys);
  assert.equal(TermOpened.safeParse(await badTerm.readJson()).success, true, 'TermOpened allows 1000 characters of error');
  const badBlob = await open(PROTOCOL.blob);
  await badBlob.write(manyKeys);
  assert.equal(BlobReply.safeParse(await badBlob.readJson()).success, true, 'BlobReply allows 1000 characters of error');

  // JSON-RPC: a megabyte of error text, and ids no response may carry echoed back.
  const control = await open(PROTOCOL.control);
  await control.write({ jsonrpc: '2.0', id: 1, method: 'task.list', params: manyKeys });
  await control.write({ jsonrpc: '1.0', id: 2 ** 53, method: 'agent.info' });
  for (const id of [1, null]) {
    const reply = RpcResponse.parse(await control.readJson());
    assert.equal(reply.id, id);
    assert.ok('error' in reply && reply.error.message.length <= 2000, JSON.stringify(reply).slice(0, 300));
  }
});
