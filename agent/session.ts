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
  readonly exited: Promise<SessionExit>;

  constructor(spec: SessionSpec) {
    this.proc = pty.spawn(spec.bin, headlessArgs(spec.prompt, spec.options), {
      name: 'xterm-256color',
      cols: DEFAULT_COLS,
      rows: DEFAULT_ROWS,
      cwd: spec.cwd,
      env: { ...spec.env, TERM: 'xterm-256color', COLORTERM: 'truecolor' } as Record<string, string>,
    });
    this.proc.onData((data) => this.buffer(spec.log, data));
    this.exited = new Promise((resolve) => {
      this.proc.onExit(({ exitCode, signal }) => {
        this.flush(spec.log);
        resolve({ exitCode, signal: signal || undefined, summary: this.scanner.summary });
      });
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  private buffer(log: TermLog, data: string): void {
    this.pending.push(Buffer.from(data, 'utf8'));
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

  kill(signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT' = 'SIGTERM'): void {
    try {
      this.proc.kill(signal);
    } catch {
      // Already gone: its exit event has fired or is about to.
    }
  }
}
