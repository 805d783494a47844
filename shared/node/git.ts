/** Runs git with a fixed, predictable environment and returns what it printed. */
import { runProcess } from './spawner.js';
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
  /** Appends stdout to this file instead of returning it. */
  stdoutFile?: string;
  /** Feeds stdin from this file, from byte `offset` on, instead of `input`. */
  stdinFile?: { path: string; offset: number };
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

export async function git(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  // From a small helper process: see spawner.ts.
  const r = await runProcess({
    cmd: 'git', args: [...SAFE_CONFIG, ...args], cwd: opts.cwd, env: gitEnv(opts.env),
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.stdinFile !== undefined ? { stdinFile: opts.stdinFile } : {}),
    ...(opts.stdoutFile !== undefined ? { stdoutFile: opts.stdoutFile } : {}),
  });
  if (r.spawnError) throw Object.assign(new Error(`git could not be started: ${r.spawnError.message}`), r.spawnError.code ? { code: r.spawnError.code } : {});
  const result = { code: r.code ?? -1, stdout: utf8(r.stdout), stderr: utf8(r.stderr) };
  if (result.code !== 0 && !opts.allowFail) throw new GitError(args, r.code, result.stderr);
  return result;
}

/** `git ... ` and its trimmed stdout. */
export async function gitOut(args: readonly string[], opts: GitOptions): Promise<string> {
  return (await git(args, opts)).stdout.trim();
}

const decoder = new TextDecoder();

function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
