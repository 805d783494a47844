/** Driver side of `/claudecluster/blob/1.0.0`: upload bundles to agents, download results. */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { PROTOCOL } from '../../shared/constants.js';
import { BlobDone, BlobReply } from '../../shared/protocol/blob.js';
import { FramedStream } from '../../shared/node/frames.js';
import { consume, sendAll } from '../../shared/node/stream-io.js';
import { sha256File } from '../../shared/node/hash.js';
import { checkDiskSpace, formatBytes } from '../../shared/node/disk-space.js';
import type { AgentClient } from './agent-client.js';
import { shortId } from '../../shared/short-id.js';

export class BlobTransferError extends Error {
  override readonly name = 'BlobTransferError';
}

/** Uploads `file` (named by its sha256) to the agent, resuming from what it already has. */
export async function putBlob(agent: AgentClient, file: string, sha256: string, size: number): Promise<void> {
  const stream = await agent.openStream(PROTOCOL.blob);
  const framed = new FramedStream(stream);
  await framed.write({ op: 'put', sha256, size });
  const reply = await framed.read(BlobReply);
  if (!reply.ok) throw new BlobTransferError(`agent ${agent.name} refused the upload: ${reply.error}`);
  if (!('offset' in reply)) throw new BlobTransferError('agent answered a put with a get reply');
  const raw = framed.unwrap();
  if (reply.offset < size) {
    for await (const chunk of createReadStream(file, { start: reply.offset, highWaterMark: 64 * 1024 })) {
      await sendAll(raw, chunk as Buffer);
    }
  }
  await raw.close(); // half-close: the agent now verifies what it got
  const done = await new FramedStream(raw).read(BlobDone);
  if (!done.ok) throw new BlobTransferError(`agent ${agent.name} rejected the upload: ${done.error}`);
}

/**
 * Downloads a blob into `dest`, resuming a partial `dest.part`, and checks its sha256 before
 * the file appears at `dest`. A DiskSpaceError, before anything is written, when it would not fit.
 */
export async function getBlob(agent: AgentClient, sha256: string, dest: string): Promise<void> {
  const part = `${dest}.part`;
  const offset = await stat(part).then((s) => s.size, () => 0);
  const stream = await agent.openStream(PROTOCOL.blob);
  const framed = new FramedStream(stream);
  await framed.write({ op: 'get', sha256, offset });
  const reply = await framed.read(BlobReply);
  if (!reply.ok) throw new BlobTransferError(`agent ${agent.name}: ${reply.error}`);
  if (!('size' in reply)) throw new BlobTransferError('agent answered a get with a put reply');
  // Refused before a byte is written: a full disk never leaves a half-fetched bundle behind.
  const space = await checkDiskSpace(dirname(part), reply.size - offset, `result bundle ${shortId(sha256)} (${formatBytes(reply.size)})`);
  if (!space.ok) {
    stream.abort(space.error); // The agent is about to send: reset rather than drain.
    throw space.error;
  }
  const raw = framed.unwrap();
  const out = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
  let received = offset;
  try {
    await consume(raw, async (chunk) => {
      received += chunk.byteLength;
      if (received > reply.size) throw new BlobTransferError(`agent sent more than the ${reply.size} bytes it announced`);
      if (!out.write(chunk)) await once(out, 'drain');
    });
  } finally {
    out.end();
    await once(out, 'close');
    // Release the stream: each connection may hold only a few blob streams open at once.
    await raw.close().catch(() => raw.abort(new Error('closing')));
  }
  if (received !== reply.size) throw new BlobTransferError(`download of ${sha256} stopped at ${received} of ${reply.size} bytes`);
  const actual = await sha256File(part);
  if (actual !== sha256) {
    await rm(part, { force: true });
    throw new BlobTransferError(`download of ${sha256} is corrupt (got ${actual})`);
  }
  await rename(part, dest);
}
