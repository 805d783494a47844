/**
 * One pane's side of a task's terminal feed: what `term.attach` returned is written first, then
 * `term.data` batches in offset order (anything the pane already has is dropped), and written
 * characters are acknowledged in lumps so the source can pause a chatty session and resume it.
 * The bytes go straight to the sink (xterm); they never pass through React or the store.
 */
import { TERM_ACK_EVERY_CHARS } from '../../shared/bridge/constants.js';
import { dim } from '../../shared/ansi.js';

export interface TermSink {
  /** Writes into the terminal and calls `done` once the terminal has parsed it. */
  write(data: string, done: () => void): void;
  /** Tells the source that `chars` more characters of the feed were handled. */
  ack(chars: number): void;
}

export interface AttachResult {
  data: string;
  offset: number;
}

export class TermFeed {
  /** The feed offset the pane holds everything before; undefined until attached. */
  private have: number | undefined;
  /** Batches that arrived before the attach answer: they are sorted out once it is known. */
  private early: AttachResult[] = [];
  private unacked = 0;
  private disposed = false;

  constructor(private readonly sink: TermSink, private readonly ackEvery = TERM_ACK_EVERY_CHARS) {}

  /** The offset the pane has everything before (for tests and diagnostics). */
  get offset(): number | undefined {
    return this.have;
  }

  /** Writes the attach answer's recent output, then whatever live batches came meanwhile. */
  attached(result: AttachResult): void {
    if (this.disposed) return;
    if (result.data.length > 0) this.sink.write(result.data, () => undefined);
    this.have = result.offset;
    const early = this.early;
    this.early = [];
    for (const batch of early) this.apply(batch);
  }

  /** One `term.data` batch for this pane's task. */
  receive(batch: AttachResult): void {
    if (this.disposed) return;
    if (this.have === undefined) this.early.push(batch);
    else this.apply(batch);
  }

  dispose(): void {
    this.disposed = true;
    this.early = [];
  }

  private apply({ offset, data }: AttachResult): void {
    const have = this.have ?? 0;
    const end = offset + data.length;
    // Characters the pane already holds are counted as handled: the source counted them as
    // sent, and never acknowledging them would leave it paused for good.
    const stale = Math.min(data.length, Math.max(0, have - offset));
    if (stale > 0) this.handled(stale);
    if (end <= have) return;
    const fresh = data.slice(stale);
    // offset > have is output the source skipped while this pane was not keeping up (it stalled):
    // the pane says so and carries on from the new offset.
    if (offset > have) this.sink.write(skippedNote(offset - have), () => undefined);
    this.have = end;
    this.sink.write(fresh, () => this.handled(fresh.length));
  }

  private handled(chars: number): void {
    if (this.disposed) return;
    this.unacked += chars;
    if (this.unacked >= this.ackEvery) {
      const total = this.unacked;
      this.unacked = 0;
      this.sink.ack(total);
    }
  }
}

/** The line a pane shows where the source skipped output it did not keep up with. */
export function skippedNote(chars: number): string {
  return `\r\n${dim(`[${chars} characters skipped while this pane was behind; the task's whole log has them]`)}\r\n`;
}
