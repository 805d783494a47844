/**
 * One program in a real pseudo-terminal, run under the end-marker wrapper so no output is lost
 * at exit (see end-marker.ts). Output is batched at the source (TERM_BATCH_MS) before it is
 * handed on; signals go to the whole process group.
 */
import * as pty from 'node-pty';
import { TERM_BATCH_MS } from '../shared/constants.js';
import { EndMarkerScanner, WRAPPER, markerFor, newNonce } from './end-marker.js';
import { niced } from '../shared/node/niceness.js';

export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 36;

export interface PtySpec {
  bin: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  cols?: number;
  rows?: number;
  /** The program's niceness (see niceness.ts); default 0, the agent's own. */
  niceness?: number;
  onOutput(chunk: Buffer): void;
}

export interface PtyExit {
  exitCode: number;
  signal: number | undefined;
}

export class PtyProcess {
  private readonly proc: pty.IPty;
  private readonly end: EndMarkerScanner;
  private acked = false;
  private pending: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private gone = false;
  readonly exited: Promise<PtyExit>;

  constructor(private readonly spec: PtySpec) {
    const nonce = newNonce();
    this.end = new EndMarkerScanner(markerFor(nonce));
    const program = niced(spec.niceness ?? 0, spec.bin, spec.args);
    this.proc = pty.spawn('/bin/sh', ['-c', WRAPPER, 'claudecluster-session', nonce, program.bin, ...program.args], {
      name: 'xterm-256color',
      cols: spec.cols ?? DEFAULT_COLS,
      rows: spec.rows ?? DEFAULT_ROWS,
      cwd: spec.cwd,
      env: { ...spec.env, TERM: 'xterm-256color', COLORTERM: 'truecolor' } as Record<string, string>,
      // Raw bytes, not strings: no decode and re-encode per chunk, and no split UTF-8 sequences.
      encoding: null,
    });
    // With `encoding: null` node-pty delivers Buffers, though its typings say string.
    this.proc.onData((data: string | Buffer) => {
      const { keep, ended } = this.end.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      if (keep.length > 0) this.buffer(keep);
      // Every byte the program wrote has been read: let the wrapper exit (once; later bytes are its echo).
      if (ended && !this.acked) {
        this.acked = true;
        this.proc.write('\n');
      }
    });
    this.exited = new Promise((resolve) => {
      this.proc.onExit(({ exitCode, signal }) => {
        this.gone = true;
        if (!this.end.ended) this.buffer(this.end.flush());
        this.flush();
        resolve({ exitCode, signal: signal || undefined });
      });
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  get running(): boolean {
    return !this.gone;
  }

  private buffer(data: Buffer): void {
    if (data.length === 0) return;
    this.pending.push(data);
    this.timer ??= setTimeout(() => this.flush(), TERM_BATCH_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.spec.onOutput(chunk);
  }

  write(data: string): void {
    if (!this.gone && !this.acked) this.proc.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.gone) this.proc.resize(cols, rows);
  }

  /** Signals the process group (the wrapper and the program it runs). */
  kill(signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT' = 'SIGTERM'): void {
    try {
      process.kill(-this.proc.pid, signal);
    } catch {
      // Already gone: its exit event has fired or is about to.
    }
  }
}
