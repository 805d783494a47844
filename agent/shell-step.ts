/**
 * A goal's `setup` or `verify` command in the task's worktree. Its output goes to the task's
 * pane under a header line, so the user sees what ran and why it failed.
 */
import { runShell, type ShellResult } from '../shared/node/shell.js';
import type { TermLog } from './term-log.js';
import { dim } from '../shared/ansi.js';

export type StepResult = ShellResult;

export async function runStep(label: string, command: string, cwd: string, env: NodeJS.ProcessEnv, log: TermLog, niceness: number): Promise<StepResult> {
  const show = (text: string): void => log.append(Buffer.from(text, 'utf8'));
  show(`\r\n${dim(`── ${label}: ${command} ──`)}\r\n`);
  // The pane is a terminal: bare newlines would staircase.
  const r = await runShell(command, { cwd, env, niceness, onOutput: (chunk) => show(chunk.toString('utf8').replace(/\r?\n/g, '\r\n')) });
  show(`${dim(`── ${label} ${r.ok ? 'passed' : `failed (exit ${r.exitCode ?? 'signal'})`} ──`)}\r\n`);
  return r;
}
