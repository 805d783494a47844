/**
 * Result reuse: a task identical to one already completed — same prompt, session options,
 * setup and verify, on the same base tree — takes that result instead of running again. The
 * record is a ref in the user's repo, so it lasts across runs and costs nothing to keep.
 */
import { createHash } from 'node:crypto';
import { git, gitOut } from '../../shared/node/git.js';
import { RESULT_REF_PREFIX } from '../../shared/constants.js';
import type { TaskSpec } from '../../shared/protocol/control.js';
import type { UserRepo } from './user-repo.js';

const REUSE_PREFIX = `${RESULT_REF_PREFIX}reuse/`;

/** What makes two tasks the same piece of work. */
export async function reuseKey(repo: UserRepo, spec: Pick<TaskSpec, 'prompt' | 'session' | 'setup' | 'verify' | 'base'>): Promise<string> {
  const tree = await gitOut(['rev-parse', `${spec.base}^{tree}`], { cwd: repo.root });
  const what = JSON.stringify({ prompt: spec.prompt, session: spec.session, setup: spec.setup ?? null, verify: spec.verify ?? null, tree });
  return createHash('sha256').update(what).digest('hex');
}

/**
 * The earlier result for `key` replayed onto `base` (its tree, with `base` as parent), or
 * undefined when there is none.
 */
export async function reusedCommit(repo: UserRepo, key: string, base: string, message: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '--verify', '--quiet', `${REUSE_PREFIX}${key}^{tree}`], { cwd: repo.root, allowFail: true });
  if (r.code !== 0) return undefined;
  return gitOut(['commit-tree', r.stdout.trim(), '-p', base, '-m', message], { cwd: repo.root });
}

export async function rememberResult(repo: UserRepo, key: string, commit: string): Promise<void> {
  await git(['update-ref', `${REUSE_PREFIX}${key}`, commit], { cwd: repo.root });
}
