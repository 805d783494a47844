/**
 * A task's terminal output: appended to a file as it arrives, so a driver can attach from any
 * byte offset — during the session, after it ended, or after the agent restarted. Writes are
 * synchronous, so the files always hold exactly the bytes up to `size`. Readers pull: each reads
 * from its offset at the pace its stream drains, then waits for the log to grow. No reader ever
 * holds more than one chunk in memory, however long the log. The newest output is also kept in
 * memory (TAIL_BYTES), so a live reader keeping up never reads the file back.
 *
 * Disk use is capped (TERM_LOG_CAP_BYTES): the log is two segments, the current one at `path`
 * and the previous one at `path.<offset it starts at>`. When the current one is full it becomes
 * the previous one and the older previous one is deleted. Offsets stay absolute: `start` is the
 * oldest offset still kept, `size` the end. The segment's name carries its offset, so a restarted
 * agent knows where everything is from the files alone, even after a crash mid-rotation.
 *
 * A write the disk refuses (it is full) is not fatal: that output is left out of the log and
 * a line saying so is written in its place once the disk takes writes again.
 */
import { closeSync, fstatSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { dim } from '../shared/ansi.js';

/** Most bytes of a task's terminal output kept on disk; older output is dropped beyond it. */
export const TERM_LOG_CAP_BYTES = 64 * 1024 * 1024;
/** Bytes read from the log at a time. */
const READ_CHUNK = 64 * 1024;
/** Newest output kept in memory for live readers: a few batches at full speed. */
const TAIL_BYTES = 1024 * 1024;
/** How many segments share the cap: the current one and the previous one. */
const SEGMENTS = 2;

export interface TermLogOptions {
  /** Most bytes kept on disk (default TERM_LOG_CAP_BYTES). */
  capBytes?: number;
}

/** The open segment a reader is on: its handle stays valid after a rotation renames or deletes it. */
interface ReaderSegment { start: number; file: FileHandle }

export class TermLog {
  /** The append fd of the current segment; undefined after `end()`, or while the disk refuses it. */
  private fd: number | undefined;
  private ended = false;
  private waiters = new Set<() => void>();
  /** The newest appended chunks, starting at log offset `tailStart`. */
  private tail: Uint8Array[] = [];
  private tailStart: number;
  private readonly segmentBytes: number;
  /** Offset where each segment this log has had starts, oldest first; the last is the current one. */
  private readonly starts: number[];
  /** Where the previous segment (still on disk) starts; undefined before the first rotation. */
  private previous: number | undefined;
  /** Output bytes the disk refused since the last successful write. */
  private lost = 0;
  /** Every output byte the disk refused. */
  lostBytes = 0;
  size: number;

  constructor(readonly path: string, opts: TermLogOptions = {}) {
    this.segmentBytes = Math.max(1, Math.floor((opts.capBytes ?? TERM_LOG_CAP_BYTES) / SEGMENTS));
    this.previous = this.findPrevious();
    const base = this.previous === undefined ? 0 : this.previous + statSync(`${path}.${this.previous}`).size;
    this.starts = this.previous === undefined ? [base] : [this.previous, base];
    this.fd = openSync(path, 'a', 0o600);
    this.size = base + fstatSync(this.fd).size;
    this.tailStart = this.size;
  }

  /** The oldest offset still in the log: output before it was dropped to keep under the cap. */
  get start(): number {
    return this.previous ?? this.base;
  }

  /** Where the current segment starts. */
  private get base(): number {
    return this.starts[this.starts.length - 1]!;
  }

  append(chunk: Uint8Array): void {
    if (this.ended || chunk.byteLength === 0) return;
    if (this.lost > 0) {
      const notice = Buffer.from(`\r\n${dim(`[${this.lost} bytes of output not logged: the disk was full]`)}\r\n`, 'utf8');
      if (this.write(notice) < notice.byteLength) return this.refused(chunk.byteLength);
      this.lost = 0;
    }
    const written = this.write(chunk);
    if (written < chunk.byteLength) this.refused(chunk.byteLength - written);
  }

  /** Writes `chunk` (rotating first when the segment is full); returns how many bytes the disk took. */
  private write(chunk: Uint8Array): number {
    if (this.size > this.base && this.size - this.base + chunk.byteLength > this.segmentBytes) this.rotate();
    let off = 0;
    try {
      this.fd ??= openSync(this.path, 'a', 0o600);
      while (off < chunk.byteLength) off += writeSync(this.fd, chunk, off);
    } catch {
      // ENOSPC, EDQUOT or EIO: what was written counts, the rest is reported as lost.
    }
    if (off === 0) return 0;
    this.size += off;
    // The log keeps the chunk itself (callers hand over fresh buffers): no copy.
    this.tail.push(off === chunk.byteLength ? chunk : chunk.subarray(0, off));
    while (this.tail.length > 1 && this.size - this.tailStart - this.tail[0]!.byteLength >= TAIL_BYTES) {
      this.tailStart += this.tail.shift()!.byteLength;
    }
    this.wake();
    return off;
  }

  private refused(bytes: number): void {
    this.lost += bytes;
    this.lostBytes += bytes;
  }

  /**
   * The current segment becomes the previous one (named by its start offset), the older previous
   * one goes. The rename is the one step that matters: before it nothing changed, after it a
   * restart finds the new previous segment by its name.
   */
  private rotate(): void {
    const old = this.previous;
    const base = this.base;
    try {
      renameSync(this.path, `${this.path}.${base}`);
    } catch {
      return; // Cannot rename (odd file system): keep appending; the cap is exceeded, nothing is lost.
    }
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined; // Reopened (created) by the next write.
    this.previous = base;
    this.starts.push(this.size);
    if (old !== undefined) rmSync(`${this.path}.${old}`, { force: true });
  }

  /** The previous segment left by an earlier run; stray older ones (a crash mid-rotation) are removed. */
  private findPrevious(): number | undefined {
    const prefix = `${basename(this.path)}.`;
    let names: string[];
    try {
      names = readdirSync(dirname(this.path));
    } catch {
      return undefined; // No directory: openSync below reports it.
    }
    const found = names.filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length))).map((n) => Number(n.slice(prefix.length))).sort((a, b) => a - b);
    for (const stale of found.slice(0, -1)) rmSync(`${this.path}.${stale}`, { force: true });
    return found.at(-1);
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

  /** Where the segment starting at `start` ends: the next segment's start, or the log's end. */
  private segmentEnd(start: number): number {
    return this.starts.find((s) => s > start) ?? this.size;
  }

  /** Opens the kept segment holding `pos`; undefined when `pos` was dropped (or a rotation raced the open). */
  private async openSegment(pos: number): Promise<ReaderSegment | undefined> {
    const start = pos >= this.base ? this.base : this.previous !== undefined && pos >= this.previous ? this.previous : undefined;
    if (start === undefined) return undefined;
    const rotations = this.starts.length;
    let file: FileHandle;
    try {
      file = await open(start === this.base ? this.path : `${this.path}.${start}`, 'r');
    } catch (err) {
      // Rotated away while we looked: the caller looks again. Anything else is a real failure.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && this.starts.length !== rotations) return undefined;
      throw err;
    }
    if (this.starts.length === rotations) return { start, file };
    await file.close(); // A rotation renamed files under us: this handle may be the wrong segment.
    return undefined;
  }

  /**
   * The log's bytes from `offset`, live until it ends (or `signal` aborts). An offset that was
   * rotated away reads from `start` on (attach reports that start to the driver). A reader that
   * falls behind keeps its open segment readable after a rotation; one that falls further behind
   * than the cap skips to the oldest kept byte.
   */
  async *read(offset: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    let seg: ReaderSegment | undefined;
    try {
      for (let pos = offset; !signal?.aborted;) {
        const recent = this.fromTail(pos);
        if (recent) {
          pos += recent.byteLength;
          yield recent;
        } else if (pos < this.size) {
          if (seg && (pos < seg.start || pos >= this.segmentEnd(seg.start))) {
            await seg.file.close();
            seg = undefined;
          }
          seg ??= await this.openSegment(pos);
          if (!seg) {
            if (pos < this.start) pos = this.start;
            continue;
          }
          const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, this.segmentEnd(seg.start) - pos));
          const { bytesRead } = await seg.file.read(buf, 0, buf.byteLength, pos - seg.start);
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
      await seg?.file.close();
    }
  }
}
