/**
 * Runs the coding agent (Claude Code, or the test stand-in) in a real pseudo-terminal in a
 * task's worktree. Output is batched at the source (TERM_BATCH_MS) and appended to the task's
 * TermLog; the final stream-json `result` event is picked out of the output.
 */
import * as pty from 'node-pty';
import { TERM_BATCH_MS } from '../shared/constants.js';
import type { SessionOptions } from '../shared/goal/types.js';
import type { SessionSummary } from '../shared/protocol/control.js';
import type { TermLog } from './term-log.js';
import { ResultScanner } from './result-scanner.js';
import { EndMarkerScanner, WRAPPER, markerFor, newNonce } from './end-marker.js';

export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 36;
/** The permission mode tasks run with unless the goal says otherwise. */
export const DEFAULT_PERMISSION_MODE = 'acceptEdits';

export interface SessionExit {
  exitCode: number;
  signal: number | undefined;
  summary: SessionSummary | null;
}

export interface SessionSpec {
  bin: string;
  prompt: string;
  cwd: string;
  options: SessionOptions;
  log: TermLog;
  env: NodeJS.ProcessEnv;
}

/** Headless Claude Code arguments (the interactive TUI mode comes with hooks later). */
export function headlessArgs(prompt: string, options: SessionOptions): string[] {
  const args = ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--permission-mode', options.permissionMode ?? DEFAULT_PERMISSION_MODE];
  if (options.model) args.push('--model', options.model);
  if (options.maxTurns) args.push('--max-turns', String(options.maxTurns));
  return args;
}

export class Session {
  private readonly proc: pty.IPty;
  private pending: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly scanner = new ResultScanner();
  private readonly end: EndMarkerScanner;
  private acked = false;
  readonly exited: Promise<SessionExit>;

  constructor(spec: SessionSpec) {
    const nonce = newNonce();
    this.end = new EndMarkerScanner(markerFor(nonce));
    this.proc = pty.spawn('/bin/sh', ['-c', WRAPPER, 'claudecluster-session', nonce, spec.bin, ...headlessArgs(spec.prompt, spec.options)], {
      name: 'xterm-256color',
      cols: DEFAULT_COLS,
      rows: DEFAULT_ROWS,
      cwd: spec.cwd,
      env: { ...spec.env, TERM: 'xterm-256color', COLORTERM: 'truecolor' } as Record<string, string>,
      // Raw bytes, not strings: no decode and re-encode per chunk, and no split UTF-8 sequences.
      encoding: null,
    });
    // With `encoding: null` node-pty delivers Buffers, though its typings say string.
    this.proc.onData((data: string | Buffer) => {
      const { keep, ended } = this.end.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      if (keep.length > 0) this.buffer(spec.log, keep);
      // Every byte the program wrote has been read: let the wrapper exit (once; later bytes are its echo).
      if (ended && !this.acked) {
        this.acked = true;
        this.proc.write('\n');
      }
    });
    this.exited = new Promise((resolve) => {
      this.proc.onExit(({ exitCode, signal }) => {
        if (!this.end.ended) this.buffer(spec.log, this.end.flush());
        this.flush(spec.log);
        resolve({ exitCode, signal: signal || undefined, summary: this.scanner.summary });
      });
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  private buffer(log: TermLog, data: Buffer): void {
    this.pending.push(data);
    this.timer ??= setTimeout(() => this.flush(log), TERM_BATCH_MS);
  }

  private flush(log: TermLog): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.scanner.push(chunk);
    log.append(chunk);
  }

  write(data: string): void {
    this.proc.write(data);
  }

  resize(cols: number, rows: number): void {
    this.proc.resize(cols, rows);
  }

  /** Signals the session's whole process group (the wrapper and the program it runs). */
  kill(signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT' = 'SIGTERM'): void {
    try {
      process.kill(-this.proc.pid, signal);
    } catch {
      // Already gone: its exit event has fired or is about to.
    }
  }
}
