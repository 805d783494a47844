/**
 * A task's terminal as the app keeps it, the source of `term.attach` / `term.data`.
 *
 * Bytes from the agent are decoded with a streaming UTF-8 decoder (a character split across
 * chunks is never mangled), batched every TERM_BATCH_MS, and the recent output is kept so a pane
 * that attaches late starts with it. Each client's feed (client-term-feed.ts) may ask to hold
 * the source: then `write` returns a promise, and the caller reading the agent's stream waits for
 * it, so the agent keeps the output (in its capped log on disk) until the client has caught up.
 *
 * Offsets count characters (UTF-16 code units, as JavaScript strings and xterm do) of the task's
 * feed from its first character: `term.data`'s offset is where its batch starts.
 */
import { TERM_BATCH_MS } from '../../shared/bridge/constants.js';
import { dim } from '../../shared/ansi.js';
import { cutPoint } from './text-cut.js';

/**
 * The most recent output `term.attach` returns, in characters. Older output is not kept in
 * memory for panes (the attach answer says how much was left out); `task.log` has all of it.
 */
export const TERM_HISTORY_CHARS = 1024 * 1024;
/** A batch goes out at once when it grows this long, whatever its time. */
const TERM_BATCH_MAX_CHARS = 64 * 1024;
/** Small batches are appended to the last kept piece until it is this long (keeps the piece list short). */
const HISTORY_PIECE_CHARS = 64 * 1024;

export type FeedListener = (offset: number, data: string) => void;

/** A subscriber that can ask for the source to be held until it catches up. */
export interface FeedHold {
  readonly holding: boolean;
  /** Resolves once `holding` is false (at once when it already is). */
  whenReleased(): Promise<void>;
}

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
  private readonly holds = new Set<FeedHold>();
  /** Resolves on dispose: nothing holds a source that is gone. */
  private readonly disposed: Promise<void>;
  private markDisposed!: () => void;
  private readonly history: string[] = [];
  private historyLength = 0;
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private flushed = 0;

  constructor(opts: TaskTermOptions = {}) {
    this.batchMs = opts.batchMs ?? TERM_BATCH_MS;
    this.historyChars = opts.historyChars ?? TERM_HISTORY_CHARS;
    this.disposed = new Promise((resolve) => { this.markDisposed = resolve; });
  }

  /** Characters of the feed so far, including those still waiting for their batch. */
  get total(): number {
    return this.flushed + this.pending.length;
  }

  /**
   * Bytes from the agent. Returns a promise while a client asks to hold the source: the caller
   * should read no more until it resolves.
   */
  write(chunk: Uint8Array): Promise<void> | undefined {
    this.writeText(this.decoder.decode(chunk, { stream: true }));
    // A burst reaches the feeds now, not at the end of its batch: they judge the hold by what they hold.
    if (this.pending.length >= TERM_BATCH_MAX_CHARS) this.flush();
    const held = [...this.holds].filter((h) => h.holding);
    if (held.length === 0) return undefined;
    return Promise.race([Promise.all(held.map((h) => h.whenReleased())), this.disposed]).then(() => undefined);
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
  attach(listener: FeedListener, hold?: FeedHold): Attached & { detach(): void } {
    this.flush();
    const recent = this.history.join('');
    const omitted = this.flushed - recent.length;
    const note = omitted > 0 ? `${dim(`[${omitted} earlier characters not shown here; the task's whole log has them]`)}\r\n` : '';
    this.listeners.add(listener);
    if (hold) this.holds.add(hold);
    const detach = (): void => {
      this.listeners.delete(listener);
      if (hold) this.holds.delete(hold);
    };
    return { data: note + recent, offset: this.flushed, detach };
  }

  /** Stops the batch timer and every listener. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
    this.holds.clear();
    this.markDisposed();
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
