/**
 * `goal.check`: a goal's text, as the renderer holds it, parsed and validated exactly as
 * `claudecluster run` reads a goal file: its base resolved in the repository and its `foreach:`
 * globs fanned out over the files tracked there. Every problem is a value with its line.
 */
import type { Goal } from '../../shared/goal/index.js';
import type { GoalCheck, GoalProblem } from '../../shared/bridge/contract.js';
import { RepoInputError, UserRepo } from '../driver/user-repo.js';
import { readGoalIn } from '../driver/goal-in-repo.js';
import { outlineGraph } from '../driver/graph-outline.js';

/** What a goal with `foreach:` globs needs here when no repository is set. */
const NO_REPO = 'foreach: needs a repository to match files in: start with --repo DIR or choose one in the settings';

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
  let repo: UserRepo | undefined;
  if (repoDir !== null) {
    try {
      repo = await UserRepo.open(repoDir);
    } catch (err) {
      if (!(err instanceof RepoInputError)) throw err;
      return goalProblems(name, [{ line: 0, message: err.message }]);
    }
  }
  const read = await readGoalIn(name, text, repo, NO_REPO);
  if (!read.ok) return goalProblems(name, read.errors.map((e) => ({ line: e.line, message: e.message })));
  const { goal, base } = read;
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
