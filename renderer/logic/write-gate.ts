/**
 * The pane you type into comes first. Under a flood, all panes together receive more than the
 * page can parse, and every xterm takes turns: the focused pane's output — and the echo of your
 * keys behind it — waited its turn among sixteen. While a pane has the keyboard, the other panes'
 * output waits here until the focused pane has parsed what it was given, and then goes on in
 * slices, so the focused pane never queues behind more than one slice. Flow control does the
 * rest: a pane whose output waits acknowledges less, and its session is paused at the source.
 */

/** Writes the text into a terminal and calls `done` once it has been parsed. */
export type WriteFn = (data: string, done: () => void) => void;

/** Most characters the other panes get between two writes of the focused pane. */
export const BACKGROUND_SLICE_CHARS = 4 * 1024;
/**
 * Until this long after the last key typed into the focused pane, the other panes' output waits
 * (flow control holds their streams meanwhile; nothing is lost), and they catch up once typing
 * pauses. Each pane that draws new output costs the main thread a repaint whatever its size: with
 * one 4 KiB slice per frame to the others, the echo's p95 was 66–150 ms in the renderer bench on
 * two cores; with them held, 35–50 ms.
 */
export const TYPING_HOLD_MS = 1_000;

/** The clock and timer the gate uses (a test passes its own). */
export interface GateClock {
  now(): number;
  later(fn: () => void, ms: number): void;
}

interface Waiting {
  pane: string;
  data: string;
  write: WriteFn;
  done: () => void;
}

export class WriteGate {
  private focused: string | undefined;
  /** The focused pane's writes not parsed yet. */
  private focusedPending = 0;
  /** Other panes' slices not parsed yet. */
  private backgroundPending = 0;
  private readonly waiting: Waiting[] = [];
  /** When a key was last typed into the focused pane. */
  private typedAt = -Infinity;
  private wakeSet = false;

  constructor(private readonly clock: GateClock, private readonly sliceChars = BACKGROUND_SLICE_CHARS) {}

  /** A key was typed into the focused pane: for a while the other panes wait. */
  typed(): void {
    this.typedAt = this.clock.now();
  }

  /** The pane that has the keyboard now, or undefined when none has (then nothing waits). */
  focus(pane: string | undefined): void {
    this.focused = pane;
    this.pump();
  }

  write(pane: string, data: string, write: WriteFn, done: () => void): void {
    if (this.focused === undefined || pane === this.focused) {
      if (pane === this.focused) this.focusedPending++;
      write(data, () => {
        if (pane === this.focused) this.focusedPending = Math.max(0, this.focusedPending - 1);
        done();
        this.pump();
      });
      return;
    }
    this.waiting.push({ pane, data, write, done });
    this.pump();
  }

  /** A pane went away: what it still had waiting is dropped. */
  forget(pane: string): void {
    this.drop(pane);
    if (this.focused === pane) this.focus(undefined);
  }

  /** Drops the pane's writes still waiting for their turn (its feed stopped); it keeps its focus. */
  drop(pane: string): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i]!.pane === pane) this.waiting.splice(i, 1);
  }

  /** Whether the focused pane is being typed into, so the other panes wait (a wake-up is set for when typing has paused). */
  private typing(): boolean {
    const wait = this.typedAt + TYPING_HOLD_MS - this.clock.now();
    if (wait <= 0) return false;
    if (!this.wakeSet) {
      this.wakeSet = true;
      this.clock.later(() => { this.wakeSet = false; this.pump(); }, wait);
    }
    return true;
  }

  /** Lets waiting output go: all of it when no pane is focused, else one slice once the focused pane is idle. */
  private pump(): void {
    if (this.focused !== undefined && (this.focusedPending > 0 || this.backgroundPending > 0)) return;
    if (this.focused !== undefined && this.waiting.length > 0 && this.typing()) return;
    let budget = this.focused === undefined ? Infinity : this.sliceChars;
    while (budget > 0 && this.waiting.length > 0) {
      const next = this.waiting[0]!;
      const take = next.data.length <= budget ? next.data : next.data.slice(0, budget);
      const whole = take.length === next.data.length;
      if (whole) this.waiting.shift();
      else next.data = next.data.slice(take.length);
      budget -= take.length;
      this.backgroundPending++;
      // The caller's `done` (its ack) runs once the last piece of its data is parsed.
      next.write(take, () => {
        this.backgroundPending--;
        if (whole) next.done();
        this.pump();
      });
    }
  }
}
