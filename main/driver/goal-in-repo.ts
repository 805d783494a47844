/**
 * A goal's text read as every run reads it: parsed and checked, its base resolved in the
 * repository, and its `foreach:` globs fanned out over the files tracked at that base.
 * `claudecluster run` and `check` (load-goal.ts) and the dashboard (goal-check.ts) all read goals
 * here, so what one accepts the others do. Every problem is a value with its line.
 */
import { parseGoal, readBase } from '../../shared/goal/index.js';
import type { Goal, GoalError } from '../../shared/goal/index.js';
import { shortId } from '../../shared/short-id.js';
import { matchFiles, trackedFiles } from './repo-files.js';
import { RepoInputError, type UserRepo } from './user-repo.js';

/** The front matter line that names the base, for a problem about it. */
const BASE_LINE = /^base\s*:/;

/** `base`: the commit a run of the goal starts from, when a repository was given. */
export type GoalRead = { ok: true; goal: Goal; base?: string } | { ok: false; errors: GoalError[] };

/**
 * Reads goal `text` (named `file` in messages) in `repo`; without one, a goal with `foreach:`
 * globs has a problem (`noRepo` says what to do), and one without is checked on its own.
 */
export async function readGoalIn(file: string, text: string, repo: UserRepo | undefined, noRepo = 'foreach: needs a repository to match files in'): Promise<GoalRead> {
  // Listing the repository is only worth it for a goal with globs; the first pass finds them.
  let usesGlobs = false;
  const first = parseGoal(file, text, { matchFiles: () => { usesGlobs = true; return []; } });
  if (!usesGlobs && !first.ok) return { ok: false, errors: first.errors };
  if (!repo) {
    if (usesGlobs) return { ok: false, errors: [{ code: 'foreach', file, line: 0, message: noRepo }] };
    return first.ok ? { ok: true, goal: first.goal } : { ok: false, errors: first.errors };
  }
  const ref = readBase(text);
  let base: string;
  try {
    base = await repo.resolveCommit(ref ?? 'HEAD');
  } catch (err) {
    if (!(err instanceof RepoInputError)) throw err;
    return { ok: false, errors: [{ code: 'front-matter', file, line: lineOf(text, BASE_LINE), message: err.message }] };
  }
  if (!usesGlobs) return first.ok ? { ok: true, goal: first.goal, base } : { ok: false, errors: first.errors };
  const files = await trackedFiles(repo.root, base);
  const filesAt = `${ref ?? 'HEAD'} (${shortId(base)})`;
  const fanned = parseGoal(file, text, { matchFiles: (glob) => matchFiles(files, glob), filesAt });
  return fanned.ok ? { ok: true, goal: fanned.goal, base } : { ok: false, errors: fanned.errors };
}

/** The 1-based line of the first line matching `pattern`, else 0 (the whole file). */
function lineOf(text: string, pattern: RegExp): number {
  const index = text.split(/\r\n|\r|\n/).findIndex((l) => pattern.test(l));
  return index + 1;
}
