/**
 * A task's terminal output: appended to a file as it arrives, so a driver can attach from any
 * byte offset — during the session, after it ended, or after the agent restarted. Writes are
 * synchronous, so the file always holds exactly `size` bytes. Readers pull: each reads the file
 * from its offset at the pace its stream drains, then waits for the log to grow. No reader
 * ever holds more than one chunk in memory, however long the log.
 */
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Bytes read from the log at a time. */
const READ_CHUNK = 64 * 1024;

export class TermLog {
  /** The append fd, open until the log ends. */
  private fd: number | undefined;
  private ended = false;
  private waiters = new Set<() => void>();
  size: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  append(chunk: Uint8Array): void {
    if (this.fd === undefined || chunk.byteLength === 0) return;
    let off = 0;
    while (off < chunk.byteLength) off += writeSync(this.fd, chunk, off);
    this.size += chunk.byteLength;
    this.wake();
  }

  /** No more output will come: release the file and wake every reader. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
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

  /** The log's bytes from `offset`, live until it ends (or `signal` aborts). */
  async *read(offset: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const file = await open(this.path, 'r');
    try {
      for (let pos = offset; !signal?.aborted;) {
        if (pos < this.size) {
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
