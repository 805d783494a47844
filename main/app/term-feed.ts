/**
 * Terminal feeds, the driver's side of `term.attach` / `term.data` / `term.ack`.
 *
 * `TaskTermOutput` is one task's terminal as the app keeps it: bytes from the agent are decoded
 * with a streaming UTF-8 decoder (a character split across chunks is never mangled), batched at
 * the source every TERM_BATCH_MS, and the recent output is kept so a pane that attaches late
 * starts with it. `ClientTermFeed` is one client's subscription to one task, with ack-based flow
 * control (as VS Code's pty host does it): above TERM_HIGH_WATER_CHARS unacknowledged characters
 * nothing more is sent until acks bring it below TERM_LOW_WATER_CHARS; what arrives meanwhile
 * is buffered, never dropped.
 *
 * Offsets count characters (UTF-16 code units, as JavaScript strings and xterm do) of the task's
 * feed from its first character: `term.data`'s offset is where its batch starts.
 */
import { TERM_BATCH_MS, TERM_HIGH_WATER_CHARS, TERM_LOW_WATER_CHARS } from '../../shared/bridge/constants.js';
import { MAX_TERM_DATA_CHARS } from '../../shared/bridge/contract.js';
import { dim } from '../../shared/ansi.js';

/**
 * The most recent output `term.attach` returns, in characters. Older output is not kept in
 * memory for panes (the attach answer says how much was left out); `task.log` has all of it.
 */
export const TERM_HISTORY_CHARS = 1024 * 1024;
/** When the kept output is trimmed, it is cut after a line break found within this many characters. */
const TRIM_LINE_SEARCH_CHARS = 4096;
/** Small batches are appended to the last kept piece until it is this long (keeps the piece list short). */
const HISTORY_PIECE_CHARS = 64 * 1024;

export type FeedListener = (offset: number, data: string) => void;

export interface TaskTermOptions {
  batchMs?: number;
  historyChars?: number;
}

/** What `term.attach` answers: the recent output, and the offset the live feed continues from. */
export interface Attached {
  data: string;
  offset: number;
}

export class TaskTermOutput {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly batchMs: number;
  private readonly historyChars: number;
  private readonly listeners = new Set<FeedListener>();
  private readonly history: string[] = [];
  private historyLength = 0;
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private flushed = 0;

  constructor(opts: TaskTermOptions = {}) {
    this.batchMs = opts.batchMs ?? TERM_BATCH_MS;
    this.historyChars = opts.historyChars ?? TERM_HISTORY_CHARS;
  }

  /** Characters of the feed so far, including those still waiting for their batch. */
  get total(): number {
    return this.flushed + this.pending.length;
  }

  /** Bytes from the agent. */
  write(chunk: Uint8Array): void {
    this.writeText(this.decoder.decode(chunk, { stream: true }));
  }

  /** Text of the app's own (e.g. a line between two attempts of a task). */
  writeText(text: string): void {
    if (text === '') return;
    this.pending += text;
    this.timer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  /** Sends what is pending now rather than at the end of its batch. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === '') return;
    const data = this.pending;
    const offset = this.flushed;
    this.pending = '';
    this.flushed += data.length;
    this.remember(data);
    for (const listener of this.listeners) listener(offset, data);
  }

  /** The stream is over: whatever the decoder still holds is flushed (an incomplete character becomes U+FFFD). */
  end(): void {
    this.pending += this.decoder.decode();
    this.flush();
  }

  /**
   * The recent output and the offset after it; from then on `listener` gets every batch. When
   * output was left out (more than `historyChars`), a dim line at the start says how much.
   */
  attach(listener: FeedListener): Attached & { detach(): void } {
    this.flush();
    const recent = this.history.join('');
    const omitted = this.flushed - recent.length;
    const note = omitted > 0 ? `${dim(`[${omitted} earlier characters not shown here; the task's whole log has them]`)}\r\n` : '';
    this.listeners.add(listener);
    return { data: note + recent, offset: this.flushed, detach: () => this.listeners.delete(listener) };
  }

  /** Stops the batch timer and every listener. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private remember(data: string): void {
    const last = this.history.length - 1;
    if (last >= 0 && this.history[last]!.length + data.length <= HISTORY_PIECE_CHARS) this.history[last] += data;
    else this.history.push(data);
    this.historyLength += data.length;
    while (this.historyLength > this.historyChars) {
      const first = this.history[0]!;
      const excess = this.historyLength - this.historyChars;
      if (first.length <= excess) {
        this.history.shift();
        this.historyLength -= first.length;
        continue;
      }
      const cut = cutPoint(first, excess);
      this.history[0] = first.slice(cut);
      this.historyLength -= cut;
    }
  }
}

/** Where to cut `text` to drop at least `min` characters: after a nearby line break, else not inside a surrogate pair. */
function cutPoint(text: string, min: number): number {
  const newline = text.indexOf('\n', min);
  if (newline >= 0 && newline - min < TRIM_LINE_SEARCH_CHARS) return newline + 1;
  return isLowSurrogate(text.charCodeAt(min)) ? min + 1 : min;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

export interface FlowOptions {
  highWater?: number;
  lowWater?: number;
  maxBatchChars?: number;
}

/**
 * One client's feed of one task: batches go out as they come until the client has more than
 * `highWater` characters unacknowledged; then they queue (in full) until acks bring it below
 * `lowWater`. No batch is larger than `maxBatchChars`, and none takes the count past `highWater`.
 */
export class ClientTermFeed {
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly maxBatch: number;
  private unacked = 0;
  private queue: string[] = [];
  private queuedFrom = 0;
  private queuedChars = 0;
  private pausedFlag = false;

  constructor(private readonly send: FeedListener, opts: FlowOptions = {}) {
    this.highWater = opts.highWater ?? TERM_HIGH_WATER_CHARS;
    this.lowWater = opts.lowWater ?? TERM_LOW_WATER_CHARS;
    this.maxBatch = opts.maxBatchChars ?? MAX_TERM_DATA_CHARS;
  }

  /** Whether sending is held back until the client acknowledges more. */
  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Characters sent and not yet acknowledged. */
  get unacknowledged(): number {
    return this.unacked;
  }

  /** Characters waiting to be sent. */
  get buffered(): number {
    return this.queuedChars;
  }

  /** A batch of the task's feed, starting at `offset` (batches come in order, without gaps). */
  push(offset: number, data: string): void {
    if (data === '') return;
    if (this.queuedChars === 0) this.queuedFrom = offset;
    this.queue.push(data);
    this.queuedChars += data.length;
    if (!this.pausedFlag) this.drain();
  }

  /** The client has written `chars` more characters into its terminal. */
  ack(chars: number): void {
    // A client may acknowledge what it got with its attach answer too: never below zero.
    this.unacked = Math.max(0, this.unacked - chars);
    if (this.pausedFlag && this.unacked < this.lowWater) {
      this.pausedFlag = false;
      this.drain();
    }
  }

  private drain(): void {
    while (this.queuedChars > 0 && this.unacked < this.highWater) {
      const batch = this.take(Math.min(this.maxBatch, this.highWater - this.unacked));
      const offset = this.queuedFrom;
      this.queuedFrom += batch.length;
      this.unacked += batch.length;
      this.send(offset, batch);
    }
    this.pausedFlag = this.queuedChars > 0;
  }

  /** Up to `max` characters from the front of the queue; only what is taken is copied, however long the queue. */
  private take(max: number): string {
    const parts: string[] = [];
    let taken = 0;
    while (taken < max && this.queue.length > 0) {
      const head = this.queue[0]!;
      const size = sliceSize(head, max - taken);
      // A pair's high half with no room for its low half waits for the next batch (unless nothing else fits).
      if (size < head.length && isHighSurrogate(head.charCodeAt(size - 1)) && taken > 0) break;
      if (size === head.length) this.queue.shift();
      else this.queue[0] = head.slice(size);
      parts.push(size === head.length ? head : head.slice(0, size));
      taken += size;
    }
    this.queuedChars -= taken;
    return parts.length === 1 ? parts[0]! : parts.join('');
  }
}

/** At most `max` characters of `text`, not ending between the halves of a surrogate pair. */
function sliceSize(text: string, max: number): number {
  if (text.length <= max) return text.length;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff && max > 1 ? max - 1 : max;
}
