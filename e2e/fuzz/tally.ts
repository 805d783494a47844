/** What the fuzzer saw, per target: frames sent, how they were answered, and what went wrong. */

export class Tally {
  /** Frames sent (a raw junk write counts as one). */
  frames = 0;
  /** Streams (or requests, sockets) the frames went out on. */
  cases = 0;
  /** Answers that were well-formed errors. */
  errors = 0;
  /** Answers that were well-formed successes. */
  oks = 0;
  /** Streams the server closed or reset without an answer, where that is allowed. */
  dropped = 0;
  /** Answers that broke the protocol, frames that went unanswered, servers that stopped answering. */
  readonly problems: string[] = [];
  private readonly kinds = new Map<string, number>();

  constructor(readonly name: string) {}

  sent(kind: string, frames: number): void {
    this.frames += frames;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + frames);
  }

  problem(what: string): void {
    // Enough to debug with; the seed replays the rest.
    if (this.problems.length < 20) this.problems.push(what);
    else if (this.problems.length === 20) this.problems.push('… more problems left out');
  }

  line(): string {
    return `${this.name.padEnd(8)} frames ${String(this.frames).padStart(6)}  cases ${String(this.cases).padStart(5)}  errors answered ${String(this.errors).padStart(6)}  ok ${String(this.oks).padStart(5)}  dropped ${String(this.dropped).padStart(4)}  problems ${this.problems.length}`;
  }

  kindsLine(): string {
    return [...this.kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}=${n}`).join(' ');
  }
}

/** The frames each target must reach (FUZZ_FRAMES), and the figures printed at the end. */
export function report(seed: number, tallies: Tally[], crashes: number, stillServing: boolean): string {
  return [
    `fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`,
    ...tallies.map((t) => t.line()),
    `crashes ${crashes}`,
    `still serving: ${stillServing ? 'yes' : 'no'}`,
  ].join('\n');
}
