/**
 * `--pr`: pushes the run branch and opens a pull request with the GitHub CLI, the report as its
 * body. Every way this can fall short (no remote, a failed push, gh missing or logged out, gh
 * refusing) is an outcome with the exact commands that finish the job by hand, never an error:
 * the run's own result decides the exit code.
 */
import { spawn } from 'node:child_process';
import { git } from '../../shared/node/git.js';
import type { PullRequestOutcome } from './run-output.js';
import { lastLines } from '../../shared/lines.js';

/** A push or a gh call that takes longer than this is given up on (it may wait on a network). */
export const PR_COMMAND_TIMEOUT_MS = 5 * 60_000;
/** The remote pushed to when the base branch has no upstream. */
export const DEFAULT_REMOTE = 'origin';

export interface PullRequestOptions {
  repoRoot: string;
  /** The run branch, e.g. `claudecluster/20261122-143005-a1b2`. */
  branch: string;
  /** The branch the run started from: the pull request's base and where the remote comes from. */
  baseBranch?: string;
  title: string;
  /** The report: the pull request's body. */
  bodyFile: string;
  /** Environment for git push and gh; default this process's. */
  env?: NodeJS.ProcessEnv;
}

/** The commands that push the branch and open the pull request, for a person to run. */
export async function pullRequestCommands(o: PullRequestOptions): Promise<{ remote?: string; push: string[]; gh: string[] }> {
  const remote = await pushRemote(o.repoRoot, o.baseBranch);
  return {
    ...(remote ? { remote } : {}),
    push: ['git', 'push', remote ?? DEFAULT_REMOTE, o.branch],
    gh: ['gh', 'pr', 'create', '--head', o.branch, ...(o.baseBranch ? ['--base', o.baseBranch] : []), '--title', o.title, '--body-file', o.bodyFile],
  };
}

/** What `openPullRequest` can come to: it is only called for a run that succeeded, so never `skipped`. */
export type OpenedPullRequest = PullRequestOutcome & { status: Exclude<PullRequestOutcome['status'], 'skipped'> };

/** Pushes the run branch and opens its pull request with gh; where it stops, says why and what to run. */
export async function openPullRequest(o: PullRequestOptions): Promise<OpenedPullRequest> {
  const { remote, push: pushCommand, gh: ghCommand } = await pullRequestCommands(o);
  const gh = shellCommand(ghCommand);
  if (!remote) {
    return {
      status: 'not-pushed',
      reason: `the repository has no remote to push to (${o.baseBranch ? `${o.baseBranch} has no upstream and ` : ''}there is no "${DEFAULT_REMOTE}")`,
      instructions: [`git remote add ${DEFAULT_REMOTE} URL`, shellCommand(pushCommand), gh],
    };
  }
  const push = await exec('git', pushCommand.slice(1), o);
  if (push.code !== 0) {
    return { status: 'not-pushed', remote, reason: `git push failed: ${lastLines(push.stderr || push.error)}`, instructions: [shellCommand(pushCommand), gh] };
  }
  const auth = await exec('gh', ['auth', 'status'], o);
  if (auth.missing) {
    return { status: 'pushed', remote, reason: 'gh (the GitHub CLI, https://cli.github.com) is not installed', instructions: [gh] };
  }
  if (auth.code !== 0) return { status: 'pushed', remote, reason: 'gh is not logged in', instructions: ['gh auth login', gh] };
  const created = await exec('gh', ghCommand.slice(1), o);
  if (created.code !== 0) return { status: 'pushed', remote, reason: `gh pr create failed: ${lastLines(created.stderr || created.error)}`, instructions: [gh] };
  const url = created.stdout.split('\n').map((l) => l.trim()).filter(Boolean).pop();
  return { status: 'created', remote, ...(url ? { url } : {}) };
}

/** The base branch's upstream remote, else `origin` if there is one, else undefined. */
async function pushRemote(repoRoot: string, baseBranch: string | undefined): Promise<string | undefined> {
  const remotes = (await git(['remote'], { cwd: repoRoot, allowFail: true })).stdout.split('\n').filter(Boolean);
  if (baseBranch) {
    const upstream = (await git(['config', '--get', `branch.${baseBranch}.remote`], { cwd: repoRoot, allowFail: true })).stdout.trim();
    // "." is a local upstream (another branch of this repo): nothing to push to.
    if (upstream && remotes.includes(upstream)) return upstream;
  }
  return remotes.includes(DEFAULT_REMOTE) ? DEFAULT_REMOTE : undefined;
}

interface ExecResult { code: number | null; stdout: string; stderr: string; missing: boolean; error: string }

/**
 * Runs a command as the user would: their environment and git config (credential helpers,
 * hooks), unlike the driver's own git calls; nothing on stdin, so nothing can wait on a prompt.
 */
function exec(cmd: string, args: readonly string[], o: { repoRoot: string; env?: NodeJS.ProcessEnv }): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: o.repoRoot, env: { ...(o.env ?? process.env), GIT_TERMINAL_PROMPT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: PR_COMMAND_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (err: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr, missing: err.code === 'ENOENT', error: err.message }));
    child.on('close', (code, signal) => resolve({ code, stdout, stderr, missing: false, error: signal ? `stopped by ${signal} (timed out?)` : `exit ${code}` }));
  });
}


/** A command line a POSIX shell runs with exactly these arguments. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_/.:@%+=,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
