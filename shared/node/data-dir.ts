import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './cli-args.js';

/** Validates a data-dir flag: not empty, and not an existing non-directory. */
export function dataDir(name: string, flag: string | undefined, fallback: string): string {
  if (flag !== undefined && flag.trim() === '') throw new UsageError(`${name} must not be empty`);
  const dir = resolve(flag ?? fallback);
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${name} ${dir} is not a directory`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // Does not exist yet: it is created on first use.
  }
  return dir;
}
