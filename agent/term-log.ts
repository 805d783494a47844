/**
 * A task's terminal output: appended to a file as it arrives, so a driver can attach from any
 * byte offset — during the session, after it ended, or after the agent restarted. Writes are
 * synchronous, so the file always holds exactly `size` bytes. Readers pull: each reads the file
 * from its offset at the pace its stream drains, then waits for the log to grow. No reader
 * ever holds more than one chunk in memory, however long the log. The newest output is also
 * kept in memory (TAIL_BYTES), so a live reader keeping up never reads the file back.
 */
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Bytes read from the log at a time. */
const READ_CHUNK = 64 * 1024;
/** Newest output kept in memory for live readers: a few batches at full speed. */
const TAIL_BYTES = 1024 * 1024;

export class TermLog {
  /** The append fd, open until the log ends. */
  private fd: number | undefined;
  private ended = false;
  private waiters = new Set<() => void>();
  /** The newest appended chunks, starting at log offset `tailStart`. */
  private tail: Uint8Array[] = [];
  private tailStart: number;
  size: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
    this.tailStart = this.size;
  }

  append(chunk: Uint8Array): void {
    if (this.fd === undefined || chunk.byteLength === 0) return;
    let off = 0;
    while (off < chunk.byteLength) off += writeSync(this.fd, chunk, off);
    this.size += chunk.byteLength;
    // The log keeps the chunk itself (callers hand over fresh buffers): no copy.
    this.tail.push(chunk);
    while (this.tail.length > 1 && this.size - this.tailStart - this.tail[0]!.byteLength >= TAIL_BYTES) {
      this.tailStart += this.tail.shift()!.byteLength;
    }
    this.wake();
  }

  /** No more output will come: release the file and wake every reader. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    // Finished logs are read rarely: from the file, so they hold no memory.
    this.tail = [];
    this.tailStart = this.size;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w();
  }

  /** Resolves once the log holds more than `known` bytes, has ended, or `signal` aborts. */
  private grown(known: number, signal?: AbortSignal): Promise<void> {
    if (this.size > known || this.ended || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => { this.waiters.delete(done); signal?.removeEventListener('abort', done); resolve(); };
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** The kept chunk holding offset `pos`, from `pos` on; undefined if `pos` is not in memory. */
  private fromTail(pos: number): Uint8Array | undefined {
    if (pos < this.tailStart || pos >= this.size) return undefined;
    let start = this.tailStart;
    for (const chunk of this.tail) {
      if (pos < start + chunk.byteLength) return chunk.subarray(pos - start);
      start += chunk.byteLength;
    }
    return undefined;
  }

  /** The log's bytes from `offset`, live until it ends (or `signal` aborts). */
  async *read(offset: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const file = await open(this.path, 'r');
    try {
      for (let pos = offset; !signal?.aborted;) {
        const recent = this.fromTail(pos);
        if (recent) {
          pos += recent.byteLength;
          yield recent;
        } else if (pos < this.size) {
          const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, this.size - pos));
          const { bytesRead } = await file.read(buf, 0, buf.byteLength, pos);
          if (bytesRead === 0) break;
          pos += bytesRead;
          yield buf.subarray(0, bytesRead);
        } else if (this.ended) {
          break;
        } else {
          await this.grown(pos, signal);
        }
      }
    } finally {
      await file.close();
    }
  }
}
