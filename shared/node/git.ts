/** Runs git with a fixed, predictable environment and returns what it printed. */
import { spawn } from 'node:child_process';
import { COMMIT_AUTHOR } from '../constants.js';
import { lastLines } from '../lines.js';

export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(readonly args: readonly string[], readonly code: number | null, readonly stderr: string) {
    super(`git ${args.join(' ')} failed (exit ${code}): ${lastLines(stderr)}`);
  }
}

export interface GitOptions {
  cwd: string;
  input?: string | Uint8Array;
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  allowFail?: boolean;
  env?: Record<string, string>;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Environment for every git call: no prompts, no pager, our commit identity, and no
 * user or system config that could change behaviour (hooks, signing, aliases).
 */
function gitEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    GIT_AUTHOR_NAME: COMMIT_AUTHOR.name,
    GIT_AUTHOR_EMAIL: COMMIT_AUTHOR.email,
    GIT_COMMITTER_NAME: COMMIT_AUTHOR.name,
    GIT_COMMITTER_EMAIL: COMMIT_AUTHOR.email,
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
    ...extra,
  };
}

/** Options passed before the subcommand: never sign, never run hooks we did not ask for. */
const SAFE_CONFIG = ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', '-c', 'advice.detachedHead=false'];

export function git(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_CONFIG, ...args], { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      if (result.code !== 0 && !opts.allowFail) reject(new GitError(args, code, result.stderr));
      else resolve(result);
    });
    child.stdin.on('error', () => { /* git may exit before reading its input; the exit code says why */ });
    child.stdin.end(opts.input ?? '');
  });
}

/** `git ... ` and its trimmed stdout. */
export async function gitOut(args: readonly string[], opts: GitOptions): Promise<string> {
  return (await git(args, opts)).stdout.trim();
}
