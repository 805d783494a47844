/** The planning flags of `claudecluster run` (`--yes`, `--plan-only`), checked before anything starts. */
import { access } from 'node:fs/promises';
import { UsageError } from '../../shared/node/cli-args.js';
import type { Goal } from '../../shared/goal/types.js';

export interface PlanFlags {
  yes: boolean;
  /** `--plan-only FILE`: write the plan there and stop. */
  planOnly: string | undefined;
  json: boolean;
}

/** The checks that need no agent, made before anything starts: a problem is a usage error (exit 2). */
export async function checkPlanFlags(goal: Goal, goalPath: string, flags: PlanFlags, interactive: boolean): Promise<void> {
  if (flags.planOnly !== undefined) {
    if (goal.hasTaskList) throw new UsageError(`--plan-only: ${goalPath} already has a task list, so there is nothing to plan`);
    if (await exists(flags.planOnly)) throw new UsageError(`--plan-only: ${flags.planOnly} already exists; the plan is never written over a file, so name a new one`);
    return;
  }
  if (!goal.hasTaskList && !flags.yes && !interactive) {
    throw new UsageError(`${goalPath} has no task list, so it is planned first, and nobody is here to approve the plan: pass --yes to plan and run it, or --plan-only FILE to write the plan for review`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false; // ENOENT (or unreadable parent): the write with 'wx' reports anything else.
  }
}
