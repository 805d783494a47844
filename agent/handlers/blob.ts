/** `/claudecluster/blob/1.0.0` on the agent: resumable, verified uploads and downloads. */
import type { Connection, Stream } from '@libp2p/interface';
import { FramedStream, FrameError, encodeFrame } from '../../shared/node/frames.js';
import { consume, sendAll } from '../../shared/node/stream-io.js';
import { BlobRequest } from '../../shared/protocol/blob.js';
import { PROTOCOL } from '../../shared/constants.js';
import type { HandlerContext } from './context.js';

export async function handleBlob(ctx: HandlerContext, stream: Stream, connection: Connection): Promise<void> {
  const peer = connection.remotePeer.toString();
  const framed = new FramedStream(stream);
  // Written as a raw frame: valid whether or not the stream has been unwrapped for raw bytes.
  const fail = async (error: string): Promise<void> => {
    await sendAll(stream, encodeFrame({ ok: false, error })).catch(() => undefined);
    await stream.close().catch(() => undefined);
  };
  if (!ctx.allowlist.has(peer)) {
    ctx.emit({ type: 'refused', peerId: peer, protocol: PROTOCOL.blob });
    return fail('not paired with this agent');
  }
  let req: BlobRequest;
  try {
    req = await framed.read(BlobRequest);
  } catch (err) {
    return fail(err instanceof FrameError ? `bad request: ${err.message}` : 'bad request');
  }
  try {
    if (req.op === 'get') await serveGet(ctx, framed, stream, req.sha256, req.offset);
    else await servePut(ctx, framed, stream, req.sha256, req.size);
  } catch (err) {
    await fail((err as Error).message);
  }
}

async function serveGet(ctx: HandlerContext, framed: FramedStream, stream: Stream, sha256: string, offset: number): Promise<void> {
  const size = await ctx.blobs.size(sha256);
  if (size === undefined) throw new Error(`no blob ${sha256}`);
  if (offset > size) throw new Error(`offset ${offset} is past the end (${size} bytes)`);
  await framed.write({ ok: true, size });
  const raw = framed.unwrap();
  for await (const chunk of ctx.blobs.read(sha256, offset)) await sendAll(raw, chunk as Buffer);
  await raw.close();
}

async function servePut(ctx: HandlerContext, framed: FramedStream, stream: Stream, sha256: string, size: number): Promise<void> {
  const existing = await ctx.blobs.size(sha256);
  const offset = existing === size ? size : await ctx.blobs.resumeOffset(sha256, size);
  await framed.write({ ok: true, offset });
  const raw = framed.unwrap();
  if (existing !== size) {
    const out = ctx.blobs.appender(sha256, offset);
    let received = offset;
    try {
      await consume(raw, async (chunk) => {
        received += chunk.byteLength;
        if (received > size) throw new Error(`more than the announced ${size} bytes`);
        await out.write(chunk);
      });
    } finally {
      await out.close();
    }
    await ctx.blobs.commit(sha256, size);
  }
  await sendAll(raw, encodeFrame({ ok: true, sha256 }));
  await raw.close();
}
