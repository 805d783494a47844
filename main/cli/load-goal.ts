/** Reads and validates a goal file; every problem becomes an InputError (exit 2) naming file and line. */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../../shared/node/cli-args.js';
import { formatBytes } from '../../shared/node/disk-space.js';
import { MAX_GOAL_BYTES, formatGoalError, parseGoal, readBase } from '../../shared/goal/index.js';
import type { Goal, GoalResult } from '../../shared/goal/index.js';
import { RepoInputError, type UserRepo } from '../driver/user-repo.js';
import { matchFiles, trackedFiles } from './repo-files.js';
import { shortId } from '../../shared/short-id.js';


/** A goal, with the commit its run starts from. */
export interface LoadedGoal {
  goal: Goal;
  /** The goal's `base` (else HEAD) resolved to a commit id. */
  base: string;
}

/**
 * Reads the goal file at `path`, resolves its base in `repo`, and fans out its `foreach:`
 * globs over the files tracked at that base.
 */
export async function loadGoal(path: string, repo: UserRepo): Promise<LoadedGoal> {
  const text = await readGoalText(path);
  const name = basename(path);
  const check = (parsed: GoalResult): Goal => {
    if (!parsed.ok) throw new InputError(parsed.errors.map((e) => formatGoalError({ ...e, file: path })).join('\n'));
    return parsed.goal;
  };
  // Listing the repository is only worth it for a goal with globs; the first pass finds them.
  let usesGlobs = false;
  const first = parseGoal(name, text, { matchFiles: () => { usesGlobs = true; return []; } });
  if (!usesGlobs) {
    const goal = check(first);
    return { goal, base: await resolveBase(repo, goal.base) };
  }
  const ref = readBase(text);
  const base = await resolveBase(repo, ref);
  const files = await trackedFiles(repo.root, base);
  const filesAt = `${ref ?? 'HEAD'} (${shortId(base)})`;
  return { goal: check(parseGoal(name, text, { matchFiles: (glob) => matchFiles(files, glob), filesAt })), base };
}

async function readGoalText(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InputError(`goal file ${path} is not a file`);
    // Checked before reading: a huge file (a log dropped by mistake) is never loaded into memory.
    if (info.size > MAX_GOAL_BYTES) throw new InputError(`goal file ${path} is too large: ${info.size} bytes (${formatBytes(info.size)}); a goal file may be at most ${MAX_GOAL_BYTES} bytes (${formatBytes(MAX_GOAL_BYTES)})`);
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputError(`cannot read goal file ${path}: ${why}`);
  }
}

/** The goal's base (HEAD when it names none) as a commit; an InputError when the repo has no such thing. */
async function resolveBase(repo: UserRepo, ref: string | undefined): Promise<string> {
  try {
    return await repo.resolveCommit(ref ?? 'HEAD');
  } catch (err) {
    if (err instanceof RepoInputError) throw new InputError(err.message);
    throw err;
  }
}
