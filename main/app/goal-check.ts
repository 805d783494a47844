/**
 * `goal.check`: a goal's text, as the renderer holds it, parsed and validated exactly as
 * `claudecluster run` reads a goal file: its base resolved in the repository and its `foreach:`
 * globs fanned out over the files tracked there. Every problem is a value with its line.
 */
import { parseGoal, readBase } from '../../shared/goal/index.js';
import type { Goal, GoalResult } from '../../shared/goal/index.js';
import type { GoalCheck, GoalProblem } from '../../shared/bridge/contract.js';
import { RepoInputError, UserRepo } from '../driver/user-repo.js';
import { matchFiles, trackedFiles } from '../cli/repo-files.js';
import { outlineGraph } from '../driver/graph-outline.js';
import { shortId } from '../../shared/short-id.js';

/** The front matter line that names the base, for a problem about it. */
const BASE_LINE = /^base\s*:/;

export interface GoalText {
  name: string;
  text: string;
}

/** A goal that passed every check, with what a run of it needs. */
export interface GoalOk {
  ok: true;
  check: Extract<GoalCheck, { ok: true }>;
  goal: Goal;
  /** The repository and the commit the run starts from, when a repository is set. */
  repo?: UserRepo;
  base?: string;
}
export interface GoalBad {
  ok: false;
  check: Extract<GoalCheck, { ok: false }>;
}

/** The problems as the bridge carries them. */
export function goalProblems(name: string, problems: GoalProblem[]): GoalBad {
  return { ok: false, check: { ok: false, name, problems } };
}

/**
 * Checks a goal against the repository at `repoDir` (null: none is set; a goal with `foreach:`
 * globs then has a problem, one without is checked on its own).
 */
export async function checkGoal(input: GoalText, repoDir: string | null): Promise<GoalOk | GoalBad> {
  const { name, text } = input;
  // Listing the repository is only worth it for a goal with globs; the first pass finds them.
  let usesGlobs = false;
  const first = parseGoal(name, text, { matchFiles: () => { usesGlobs = true; return []; } });
  if (!usesGlobs && !first.ok) return fromResult(name, text, first);
  let repo: UserRepo | undefined;
  if (repoDir !== null) {
    try {
      repo = await UserRepo.open(repoDir);
    } catch (err) {
      if (!(err instanceof RepoInputError)) throw err;
      return goalProblems(name, [{ line: 0, message: err.message }]);
    }
  }
  if (!repo) {
    if (usesGlobs) return goalProblems(name, [{ line: 0, message: 'foreach: needs a repository to match files in: start with --repo DIR or choose one in the settings' }]);
    return fromResult(name, text, first);
  }
  const ref = readBase(text);
  let base: string;
  try {
    base = await repo.resolveCommit(ref ?? 'HEAD');
  } catch (err) {
    if (!(err instanceof RepoInputError)) throw err;
    return goalProblems(name, [{ line: lineOf(text, BASE_LINE), message: err.message }]);
  }
  if (!usesGlobs) return fromResult(name, text, first, repo, base);
  const files = await trackedFiles(repo.root, base);
  const filesAt = `${ref ?? 'HEAD'} (${shortId(base)})`;
  return fromResult(name, text, parseGoal(name, text, { matchFiles: (glob) => matchFiles(files, glob), filesAt }), repo, base);
}

function fromResult(name: string, text: string, result: GoalResult, repo?: UserRepo, base?: string): GoalOk | GoalBad {
  if (!result.ok) return goalProblems(name, result.errors.map((e) => ({ line: e.line, message: e.message })));
  const goal = result.goal;
  return {
    ok: true,
    goal,
    ...(repo ? { repo } : {}),
    ...(base ? { base } : {}),
    check: {
      ok: true, name, text, title: goal.title, hasTaskList: goal.hasTaskList,
      ...(goal.base !== undefined ? { base: goal.base } : {}),
      ...(goal.verify !== undefined ? { verify: goal.verify } : {}),
      ...(goal.budgetUsd !== undefined ? { budgetUsd: goal.budgetUsd } : {}),
      // A task without text of its own is prompted by its title.
      tasks: goal.tasks.map((t) => ({
        id: t.id, title: t.title, after: t.after, prompt: t.body === '' ? t.title : t.body,
        ...(t.estimateMs !== undefined ? { estimateMs: t.estimateMs } : {}),
      })),
      ...outlineGraph(goal.tasks),
    },
  };
}

/** The 1-based line of the first line matching `pattern`, else 0 (the whole file). */
function lineOf(text: string, pattern: RegExp): number {
  const index = text.split(/\r\n|\r|\n/).findIndex((l) => pattern.test(l));
  return index + 1;
}
