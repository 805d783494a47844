/** Reads and validates a goal file; every problem becomes an InputError (exit 2) naming file and line. */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../../shared/node/cli-args.js';
import { formatBytes } from '../../shared/node/disk-space.js';
import { MAX_GOAL_BYTES, formatGoalError } from '../../shared/goal/index.js';
import type { Goal } from '../../shared/goal/index.js';
import type { UserRepo } from '../driver/user-repo.js';
import { readGoalIn } from '../driver/goal-in-repo.js';

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
  const read = await readGoalIn(basename(path), await readGoalText(path), repo);
  if (!read.ok) throw new InputError(read.errors.map((e) => formatGoalError({ ...e, file: path })).join('\n'));
  // With a repository given, a goal that reads has a base.
  return { goal: read.goal, base: read.base! };
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
