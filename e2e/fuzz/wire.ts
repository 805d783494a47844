/** The fuzzer's side of a libp2p stream: open, write a case, end it, read answers with a deadline. */
import type { PeerId, Stream } from '@libp2p/interface';
import type { z } from 'zod';
import type { Host } from '../../shared/node/host.js';
import { MAX_FRAME_BYTES } from '../../shared/constants.js';
import { sendAll } from '../../shared/node/stream-io.js';
import type { FuzzCase } from './frames.js';

/**
 * How long a server gets to answer one frame (or to close the stream) before it counts as hung.
 * Generous: a 2-core machine running the agent, the fuzzer and git at once is slow.
 */
export const ANSWER_DEADLINE_MS = 15_000;
/** Longest varint a frame length may take (MAX_FRAME_BYTES fits in 3 bytes; 8 is the protocol's limit). */
const MAX_VARINT_BYTES = 8;
/** Streams per protocol the fuzzer may have open at once (libp2p's default is 64). */
const MAX_OUTBOUND_STREAMS = 1024;

export function open(host: Host, peer: PeerId, protocol: string): Promise<Stream> {
  // Bursts go past the agent's inbound limits on purpose: do not let our own outbound limit stop them first.
  return host.dialProtocol(peer, protocol, { signal: AbortSignal.timeout(ANSWER_DEADLINE_MS), maxOutboundStreams: MAX_OUTBOUND_STREAMS });
}

/** Writes the case's bytes; false if the server had already closed or reset the stream. */
export async function writeCase(stream: Stream, c: FuzzCase): Promise<boolean> {
  try {
    for (const chunk of c.chunks) await sendAll(stream, chunk);
    return true;
  } catch {
    return false;
  }
}

/** Ends our side as the case says: half-close (the server sees the end) or reset. */
export async function endCase(stream: Stream, c: FuzzCase): Promise<void> {
  if (c.end === 'reset') stream.abort(new Error('fuzz: reset'));
  else await stream.close().catch(() => undefined);
}

export type Answer =
  | { type: 'frame'; value: unknown }
  /** A frame that is not JSON, too long, or not what the contract allows. */
  | { type: 'malformed'; why: string }
  /** The server closed or reset the stream without (more) frames. */
  | { type: 'end' }
  | { type: 'timeout' };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Everything the server sends on a stream, from the first byte: frames first, then raw bytes. */
export class Inbox {
  private buf = new Uint8Array(0);
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(stream: Stream) {
    stream.addEventListener('message', (evt) => {
      const data = (evt as Event & { data: Uint8Array | { subarray(): Uint8Array } }).data;
      const chunk = data instanceof Uint8Array ? data : data.subarray();
      const next = new Uint8Array(this.buf.byteLength + chunk.byteLength);
      next.set(this.buf, 0);
      next.set(chunk, this.buf.byteLength);
      this.buf = next;
      this.wake?.();
    });
    const end = (): void => { this.ended = true; this.wake?.(); };
    stream.addEventListener('close', end);
    stream.addEventListener('remoteCloseWrite', end);
    if (stream.status !== 'open' || stream.remoteWriteStatus !== 'writable') this.ended = true;
  }

  /** The next frame, parsed and checked against `schema`. */
  async frame(schema: z.ZodType, ms = ANSWER_DEADLINE_MS): Promise<Answer> {
    const got = await this.until(() => this.head() !== undefined, ms);
    const head = this.head();
    if (head === undefined) return got ? { type: 'end' } : { type: 'timeout' };
    if ('error' in head) return { type: 'malformed', why: head.error };
    this.buf = this.buf.subarray(head.end);
    let raw: unknown;
    try {
      raw = JSON.parse(decoder.decode(head.body));
    } catch {
      return { type: 'malformed', why: 'not UTF-8 JSON' };
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { type: 'malformed', why: `not in the contract: ${JSON.stringify(raw).slice(0, 300)}` };
    return { type: 'frame', value: parsed.data };
  }

  /** Waits for raw text (after the frames read so far) to satisfy `match`; false on end or timeout. */
  async text(match: (text: string) => boolean, ms = ANSWER_DEADLINE_MS): Promise<boolean> {
    const seen = (): boolean => match(Buffer.from(this.buf).toString('latin1'));
    await this.until(seen, ms);
    return seen();
  }

  /** The last `n` bytes received, as text, and whether the stream ended: for failure messages. */
  tail(n = 300): string {
    return `${JSON.stringify(Buffer.from(this.buf.subarray(-n)).toString('latin1'))}${this.ended ? ' (stream ended)' : ''}`;
  }

  /** Waits for the server to end the stream; false on timeout. */
  ends(ms = ANSWER_DEADLINE_MS): Promise<boolean> {
    return this.until(() => false, ms);
  }

  /** Resolves true when `cond` holds or the stream ended, false at the deadline. */
  private until(cond: () => boolean, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!cond() && !this.ended) return;
        clearTimeout(timer);
        this.wake = undefined;
        resolve(true);
      };
      const timer = setTimeout(() => { this.wake = undefined; resolve(false); }, ms);
      this.wake = check;
      check();
    });
  }

  /** The frame at the head of the buffer, if it has fully arrived. */
  private head(): { body: Uint8Array; end: number } | { error: string } | undefined {
    let len = 0;
    for (let i = 0; i < this.buf.byteLength; i++) {
      if (i >= MAX_VARINT_BYTES) return { error: 'length prefix too long' };
      const b = this.buf[i]!;
      len += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) {
        if (len > MAX_FRAME_BYTES) return { error: `frame of ${len} bytes is over MAX_FRAME_BYTES` };
        const end = i + 1 + len;
        return end <= this.buf.byteLength ? { body: this.buf.subarray(i + 1, end), end } : undefined;
      }
    }
    return undefined;
  }
}

/** Runs `work` on at most `n` items at a time. */
export async function pool<T>(items: Iterable<T>, n: number, work: (item: T) => Promise<void>): Promise<void> {
  const it = items[Symbol.iterator]();
  const runners = Array.from({ length: n }, async () => {
    for (let r = it.next(); !r.done; r = it.next()) await work(r.value);
  });
  await Promise.all(runners);
}
