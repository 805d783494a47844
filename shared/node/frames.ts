/** Length-prefixed JSON frames on a libp2p stream, capped in size, parsed at the boundary. */
import './polyfill.js';
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils';
import type { Stream } from '@libp2p/interface';
import type { z } from 'zod';
import { MAX_FRAME_BYTES } from '../constants.js';
import { describeIssues } from '../protocol/common.js';
import { RPC_ERROR, clipMessage, type RpcMessage } from '../protocol/jsonrpc.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Longest description of a bad frame: protocols answer it inside error frames capped at 500–1000
 * characters (TermOpened, BlobReply), with a short prefix.
 */
const MAX_FRAME_ERROR_CHARS = 400;

/** A frame that is not JSON or does not match its schema. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

export class FramedStream {
  private readonly lp: LengthPrefixedStream<Stream>;

  constructor(readonly stream: Stream, maxFrameBytes = MAX_FRAME_BYTES) {
    this.lp = lpStream(stream, { maxDataLength: maxFrameBytes });
  }

  /** The next frame as parsed JSON; `FrameError` if it is not JSON. */
  async readJson(signal?: AbortSignal): Promise<unknown> {
    const bytes = await this.lp.read(signal ? { signal } : undefined);
    try {
      return JSON.parse(decoder.decode(bytes.subarray()));
    } catch {
      throw new FrameError('frame is not valid UTF-8 JSON');
    }
  }

  /** The next frame, validated; `FrameError` naming what is wrong otherwise. */
  async read<S extends z.ZodType>(schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
    const raw = await this.readJson(signal);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new FrameError(clipMessage(describeIssues(parsed.error), MAX_FRAME_ERROR_CHARS));
    return parsed.data;
  }

  async write(value: unknown): Promise<void> {
    await this.lp.write(encoder.encode(JSON.stringify(value)));
  }

  /** The raw stream, with any bytes read ahead given back to it. */
  unwrap(): Stream {
    return this.lp.unwrap();
  }
}

/**
 * One length-prefixed JSON frame as bytes (unsigned varint length, then UTF-8 JSON), for
 * writing on a stream whose reading side belongs to someone else (an unwrapped raw stream).
 */
export function encodeFrame(value: unknown): Uint8Array {
  const body = encoder.encode(JSON.stringify(value));
  const prefix: number[] = [];
  for (let n = body.byteLength; ; n = Math.floor(n / 128)) {
    if (n < 128) { prefix.push(n); break; }
    prefix.push((n % 128) | 128);
  }
  const out = new Uint8Array(prefix.length + body.byteLength);
  out.set(prefix, 0);
  out.set(body, prefix.length);
  return out;
}

/**
 * A JSON-RPC channel on a stream: `send` writes frames; `start(receive)` reads frames until
 * the stream ends, answering frames that are not JSON with a parse error.
 */
export function rpcChannel(stream: Stream): { send: (m: RpcMessage) => void; start(receive: (raw: unknown) => unknown): Promise<void> } {
  const framed = new FramedStream(stream);
  const send = (m: RpcMessage): void => {
    framed.write(m).catch(() => {
      // The stream is closing; the reader loop reports the end to the owner.
    });
  };
  const start = async (receive: (raw: unknown) => unknown): Promise<void> => {
    for (;;) {
      let raw: unknown;
      try {
        raw = await framed.readJson();
      } catch (err) {
        if (err instanceof FrameError) {
          send({ jsonrpc: '2.0', id: null, error: { code: RPC_ERROR.parse, message: err.message } });
          continue;
        }
        // End of stream, or a reset or oversized frame: stop serving it.
        if (stream.status === 'open') stream.abort(err as Error);
        return;
      }
      await receive(raw);
    }
  };
  return { send, start };
}
