/**
 * Lossless session ends. node-pty gives a PTY 200 ms after its child exits to deliver what is
 * still buffered, then drops the rest; a busy agent misses that window and loses the tail of
 * the output (the part with the session's result). So sessions run under a small shell wrapper:
 * when the program exits, the wrapper prints a per-session marker and waits for one line of
 * input. Output is FIFO, so once the agent sees the marker it has every byte the program wrote;
 * it acknowledges and the wrapper exits with the program's exit code.
 */
import { randomBytes } from 'node:crypto';

/**
 * `sh -c WRAPPER claudecluster-session NONCE PROGRAM ARGS...`. The traps keep the wrapper alive
 * through Ctrl-C and cancel signals (a trap, unlike an ignore, is reset for the program it runs).
 */
export const WRAPPER = [
  'nonce=$1; shift',
  'trap : INT TERM HUP',
  '"$@"',
  'code=$?',
  "printf '\\033]7777;claudecluster-end;%s\\007' \"$nonce\"",
  'read -r _',
  'exit "$code"',
].join('\n');

export function newNonce(): string {
  return randomBytes(12).toString('hex');
}

const ESC = 0x1b;
const EMPTY = Buffer.alloc(0);

export function markerFor(nonce: string): Buffer {
  return Buffer.from(`\x1b]7777;claudecluster-end;${nonce}\x07`, 'latin1');
}

/**
 * Finds the marker in a stream of chunks that may split it. `push` returns the bytes to keep
 * (everything before the marker) and whether the marker has been seen; bytes after it are dropped.
 */
export class EndMarkerScanner {
  private held = EMPTY;
  private seen = false;

  constructor(private readonly marker: Buffer) {}

  get ended(): boolean {
    return this.seen;
  }

  push(chunk: Buffer): { keep: Buffer; ended: boolean } {
    if (this.seen) return { keep: EMPTY, ended: true };
    const data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    const at = data.indexOf(this.marker);
    if (at !== -1) {
      this.seen = true;
      this.held = EMPTY;
      return { keep: data.subarray(0, at), ended: true };
    }
    // Hold back a tail that could be the start of the marker. The marker starts with ESC, so only
    // an ESC near the end can start one: output without one is passed on with no copy.
    let keepLen = data.length;
    for (let i = data.indexOf(ESC, Math.max(0, data.length - this.marker.length + 1)); i !== -1; i = data.indexOf(ESC, i + 1)) {
      if (this.marker.subarray(0, data.length - i).equals(data.subarray(i))) { keepLen = i; break; }
    }
    this.held = keepLen < data.length ? Buffer.from(data.subarray(keepLen)) : EMPTY;
    return { keep: keepLen < data.length ? data.subarray(0, keepLen) : data, ended: false };
  }

  /** What is held back when the stream ends without a marker (the wrapper was killed). */
  flush(): Buffer {
    const rest = this.held;
    this.held = EMPTY;
    return rest;
  }
}
