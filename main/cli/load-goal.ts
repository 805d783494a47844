/** Reads and validates a goal file; every problem becomes a UsageError (exit 2) naming file and line. */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../../shared/node/cli-args.js';
import { MAX_GOAL_BYTES, formatGoalError, parseGoal } from '../../shared/goal/index.js';
import type { Goal } from '../../shared/goal/types.js';

export async function loadGoal(path: string): Promise<Goal> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`goal file ${path} is not a file`);
    if (info.size > MAX_GOAL_BYTES) throw new UsageError(`goal file ${path} is ${info.size} bytes; the limit is ${MAX_GOAL_BYTES}`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UsageError(`cannot read goal file ${path}: ${why}`);
  }
  const parsed = parseGoal(basename(path), text);
  if (!parsed.ok) throw new UsageError(parsed.errors.map((e) => formatGoalError({ ...e, file: path })).join('\n'));
  return parsed.goal;
}
