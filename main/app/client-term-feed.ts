/**
 * One client's feed of one task's terminal, with ack-based flow control (as VS Code's pty host
 * does it): above `highWater` unacknowledged characters nothing more is sent until acks bring it
 * below `lowWater`; what arrives meanwhile queues, in full.
 *
 * The queue is bounded by holding the source: with more than `holdAbove` characters queued the
 * feed asks its task's `TaskTermOutput` to hold, and the driver reads no more of the task's
 * terminal stream until the client catches up. The agent keeps that output in its capped log on
 * disk and the session runs on unpaused, so a slow pane costs the driver no memory and loses
 * nothing. A feed stops holding when its client acknowledges nothing at all, on any of its
 * feeds, for `stallMs` (a hung page; a busy one acks some pane), so the output flows on for
 * everyone else; its own queue then keeps only the newest `stalledQueueChars`, and its next
 * batch's offset shows the pane how far it skipped (the task's whole log has everything).
 */
import { TERM_HIGH_WATER_CHARS, TERM_LOW_WATER_CHARS } from '../../shared/bridge/constants.js';
import { MAX_TERM_DATA_CHARS } from '../../shared/bridge/contract.js';
import { TERM_HISTORY_CHARS, type FeedHold, type FeedListener } from './term-feed.js';
import { cutPoint, isHighSurrogate, sliceSize } from './text-cut.js';

/** Queued characters above which a client holds its task's source. */
export const TERM_HOLD_ABOVE_CHARS = TERM_HIGH_WATER_CHARS;
/** A holding feed whose client acknowledges nothing for this long takes the client for hung and stops holding. */
export const TERM_STALL_MS = 5_000;

export interface FlowOptions {
  highWater?: number;
  lowWater?: number;
  maxBatchChars?: number;
  holdAbove?: number;
  stallMs?: number;
  /** What a stalled client's queue keeps: the newest this many characters (a late attach gets as much). */
  stalledQueueChars?: number;
}

export class ClientTermFeed implements FeedHold {
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly maxBatch: number;
  private readonly holdAbove: number;
  private readonly stallMs: number;
  private readonly stalledQueue: number;
  private unacked = 0;
  private queue: string[] = [];
  private queuedFrom = 0;
  private queuedChars = 0;
  private pausedFlag = false;
  private stalled = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private skippedChars = 0;

  constructor(private readonly send: FeedListener, opts: FlowOptions = {}) {
    this.highWater = opts.highWater ?? TERM_HIGH_WATER_CHARS;
    this.lowWater = opts.lowWater ?? TERM_LOW_WATER_CHARS;
    this.maxBatch = opts.maxBatchChars ?? MAX_TERM_DATA_CHARS;
    this.holdAbove = opts.holdAbove ?? TERM_HOLD_ABOVE_CHARS;
    this.stallMs = opts.stallMs ?? TERM_STALL_MS;
    this.stalledQueue = opts.stalledQueueChars ?? TERM_HISTORY_CHARS;
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

  /** Characters this client never got because it stalled (not lost: the task's log has them). */
  get skipped(): number {
    return this.skippedChars;
  }

  /** Whether the task's source should read no more until this client catches up. */
  get holding(): boolean {
    return !this.stalled && this.queuedChars > this.holdAbove;
  }

  whenReleased(): Promise<void> {
    if (!this.holding) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A batch of the task's feed, starting at `offset` (batches come in order, without gaps). */
  push(offset: number, data: string): void {
    if (data === '') return;
    if (this.queuedChars === 0) this.queuedFrom = offset;
    this.queue.push(data);
    this.queuedChars += data.length;
    if (!this.pausedFlag) this.drain();
    if (this.stalled) this.skip(this.queuedChars - this.stalledQueue);
    this.watch();
  }

  /** The client has written `chars` more characters into its terminal. */
  ack(chars: number): void {
    // A client may acknowledge what it got with its attach answer too: never below zero.
    this.unacked = Math.max(0, this.unacked - chars);
    if (this.pausedFlag && this.unacked < this.lowWater) {
      this.pausedFlag = false;
      this.drain();
    }
    this.clientAlive();
  }

  /** The client acknowledged something (on this feed or another): it is not hung, the stall clock starts again. */
  clientAlive(): void {
    this.stalled = false;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.watch();
  }

  /** The client detached: it holds nothing any more. */
  dispose(): void {
    this.stalled = true;
    this.queue = [];
    this.queuedChars = 0;
    this.watch();
  }

  /** Runs the stall clock while holding; once not holding, lets the source go on. */
  private watch(): void {
    if (this.holding) {
      this.stallTimer ??= setTimeout(() => this.stall(), this.stallMs);
      return;
    }
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private stall(): void {
    this.stallTimer = undefined;
    this.stalled = true;
    this.skip(this.queuedChars - this.stalledQueue);
    this.watch();
  }

  /** Drops at least `min` characters from the front of the queue (after a line break when one is near). */
  private skip(min: number): void {
    let dropped = 0;
    while (dropped < min && this.queue.length > 0) {
      const head = this.queue[0]!;
      const cut = head.length <= min - dropped ? head.length : cutPoint(head, min - dropped);
      if (cut >= head.length) this.queue.shift();
      else this.queue[0] = head.slice(cut);
      dropped += Math.min(cut, head.length);
    }
    this.queuedChars -= dropped;
    this.queuedFrom += dropped;
    this.skippedChars += dropped;
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
