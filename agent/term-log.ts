/**
 * A task's terminal output: appended to a file as it arrives (so a driver can attach from any
 * byte offset, even after the session ended or the agent restarted) and fanned out live.
 * Writes are synchronous so the file always holds exactly `size` bytes: an attach reads
 * [offset, size) from disk and then continues with live chunks, with no gap and no overlap.
 */
import { closeSync, openSync, readSync, writeSync, fstatSync } from 'node:fs';

export interface TermSubscriber {
  data(chunk: Uint8Array): void;
  end(): void;
}

/** Size of each read when replaying a log from disk. */
const REPLAY_CHUNK = 64 * 1024;

export class TermLog {
  /** The append fd, open until the log ends. */
  private fd: number | undefined;
  private ended = false;
  private readonly subscribers = new Set<TermSubscriber>();
  size: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  append(chunk: Uint8Array): void {
    if (this.fd === undefined || chunk.byteLength === 0) return;
    let off = 0;
    while (off < chunk.byteLength) off += writeSync(this.fd, chunk, off);
    this.size += chunk.byteLength;
    for (const s of this.subscribers) s.data(chunk);
  }

  /** Replays [offset, size) synchronously, then delivers live chunks until the log ends. */
  attach(offset: number, sub: TermSubscriber): () => void {
    const end = this.size;
    if (offset < end) {
      const fd = openSync(this.path, 'r');
      try {
        const buf = Buffer.allocUnsafe(REPLAY_CHUNK);
        for (let pos = offset; pos < end;) {
          const n = readSync(fd, buf, 0, Math.min(REPLAY_CHUNK, end - pos), pos);
          if (n <= 0) break;
          sub.data(Buffer.from(buf.subarray(0, n)));
          pos += n;
        }
      } finally {
        closeSync(fd);
      }
    }
    if (this.ended) {
      sub.end();
      return () => {};
    }
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  /** No more output will come: release the file and tell subscribers. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    for (const s of this.subscribers) s.end();
    this.subscribers.clear();
  }
}
