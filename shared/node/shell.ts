/** A shell command (a goal's `setup` or `verify`) with a time limit, keeping the tail of its output. */
import { spawn } from 'node:child_process';
import { niced } from './niceness.js';

/** The last part of the output kept for results, errors and follow-up prompts. */
export const SHELL_TAIL_CHARS = 4000;
/** A command still running after this long is stopped and counts as failed. */
export const SHELL_TIMEOUT_MS = 15 * 60_000;

export interface ShellResult {
  ok: boolean;
  /** null when it was stopped by a signal (or the time limit). */
  exitCode: number | null;
  tail: string;
}

export interface ShellOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Every chunk of stdout and stderr as it comes. */
  onOutput?: (chunk: Buffer) => void;
  timeoutMs?: number;
  /** Run at this niceness (see niceness.ts); default 0, the caller's own. */
  niceness?: number;
}

export function runShell(command: string, opts: ShellOptions): Promise<ShellResult> {
  const timeoutMs = opts.timeoutMs ?? SHELL_TIMEOUT_MS;
  return new Promise((resolve) => {
    let tail = '';
    // Its own process group, so the time limit stops everything it started.
    const { bin, args } = niced(opts.niceness ?? 0, 'sh', ['-c', command]);
    const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const onData = (chunk: Buffer): void => {
      opts.onOutput?.(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-SHELL_TAIL_CHARS);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      tail = (tail + `\n(stopped after ${Math.round(timeoutMs / 1000)} s)`).slice(-SHELL_TAIL_CHARS);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); resolve({ ok: false, exitCode: null, tail: `could not run it: ${err.message}` }); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ ok: code === 0, exitCode: code, tail }); });
  });
}
