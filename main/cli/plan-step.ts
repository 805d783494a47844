/**
 * `claudecluster run` of a goal without a task list: the planner makes one, the plan is shown as
 * a goal file, and then it is run (`--yes`, or a yes on a terminal) or written out
 * (`--plan-only FILE`). Every plan is also kept in the driver's data dir, `plans/<run>.md`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EXIT } from '../../shared/node/cli-args.js';
import type { Goal } from '../../shared/goal/types.js';
import type { AgentPool } from '../driver/pool.js';
import type { DriverStore } from '../driver/store.js';
import type { UserRepo } from '../driver/user-repo.js';
import type { PlanFlags } from './plan-flags.js';
import { planGoal, type PlanOutcome } from '../driver/planner.js';

export interface PlanStep {
  runId: string;
  goal: Goal;
  repo: UserRepo;
  base: string;
  pool: AgentPool;
  store: DriverStore;
  flags: PlanFlags;
  interactive: boolean;
  /** The planning session's terminal, for people watching. */
  onOutput?(chunk: Uint8Array): void | Promise<void>;
}

/** The planned goal to run and the file it is kept in, or the exit code when nothing is to run. */
export type PlanStepResult = { run: true; goal: Goal; file: string } | { run: false; exit: number };

export async function planStep(s: PlanStep): Promise<PlanStepResult> {
  const print = printer(s.flags.json);
  const plans = join(s.store.root, 'plans');
  const workDir = join(plans, s.runId);
  const abort = new AbortController();
  const interrupt = (): void => abort.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let plan: PlanOutcome;
  try {
    plan = await planGoal({
      runId: `${s.runId}-plan`, goal: s.goal, repo: s.repo, base: s.base, workDir, pool: s.pool, signal: abort.signal,
      onAgent: (a) => print.started(a.name),
      ...(s.onOutput ? { onOutput: s.onOutput } : {}),
    });
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await rm(workDir, { recursive: true, force: true });
  }
  if (!plan.ok) {
    print.failed(plan.error, plan.invalid);
    // An invalid graph is bad input for the run (nothing was dispatched); a failed session is a failure.
    return { run: false, exit: plan.invalid ? EXIT.usage : EXIT.failed };
  }
  const kept = join(plans, `${s.runId}.md`);
  await mkdir(plans, { recursive: true, mode: 0o700 });
  await writeFile(kept, plan.text);
  print.planned(plan.goal, plan.text, plan.agent, plan.costUsd, kept);

  if (s.flags.planOnly !== undefined) {
    try {
      await writeFile(s.flags.planOnly, plan.text, { flag: 'wx' });
    } catch (err) {
      print.failed(`could not write the plan to ${s.flags.planOnly}: ${(err as Error).message} (it is kept in ${kept})`, false);
      return { run: false, exit: EXIT.failed };
    }
    print.wrote(s.flags.planOnly);
    return { run: false, exit: EXIT.ok };
  }
  if (!s.flags.yes && !(await confirm(`Run these ${plan.goal.tasks.length} tasks? [y/N] `, s.flags.json))) {
    print.declined(kept);
    return { run: false, exit: EXIT.ok };
  }
  return { run: true, goal: plan.goal, file: kept };
}

/** Asks on the terminal; anything but y/yes is a no. The question goes to stderr when stdout is NDJSON. */
async function confirm(question: string, json: boolean): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: json ? process.stderr : process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

interface PlanPrinter {
  started(agent: string): void;
  planned(goal: Goal, text: string, agent: string, costUsd: number, kept: string): void;
  wrote(file: string): void;
  declined(kept: string): void;
  failed(error: string, invalid: boolean): void;
}

/** People get the plan as a goal file; `--json` gets `plan-started`, `plan` and `plan-failed` events. */
function printer(json: boolean): PlanPrinter {
  const out = (s: string): void => void process.stdout.write(s);
  if (json) {
    const emit = (type: string, body: object): void => out(`${JSON.stringify({ type, time: new Date().toISOString(), ...body })}\n`);
    return {
      started: (agent) => emit('plan-started', { agent }),
      planned: (goal, text, agent, costUsd, kept) => emit('plan', { agent, costUsd, file: kept, tasks: goal.tasks.map((t) => ({ id: t.id, title: t.title, after: t.after })), goal: text }),
      wrote: (file) => emit('plan-written', { file: resolve(file) }),
      declined: (kept) => emit('plan-declined', { file: kept }),
      failed: (error, invalid) => {
        emit('plan-failed', { error, invalid });
        process.stderr.write(`claudecluster: ${error}\n`);
      },
    };
  }
  return {
    started: (agent) => out(`Planning on agent ${agent}: Claude Code in plan mode (read-only) proposes a task graph…\n`),
    planned: (goal, text, agent, costUsd, kept) => {
      out(`\nThe plan (${goal.tasks.length} tasks, by ${agent}, $${costUsd.toFixed(4)}; kept in ${kept}):\n\n${text}\n`);
    },
    wrote: (file) => out(`Wrote the plan to ${file}. Read or edit it, then run it with: claudecluster run ${file}\n`),
    declined: (kept) => out(`Not run. The plan is kept in ${kept}; run it with: claudecluster run ${kept}\n`),
    failed: (error) => process.stderr.write(`claudecluster: ${error}\n`),
  };
}
