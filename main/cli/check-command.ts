/**
 * `claudecluster check GOAL`: the goal file read and checked exactly as `run` reads it (its base
 * resolved and its `foreach:` globs fanned out in the repository), then its task graph shown:
 * the tasks, what each waits for, and the critical path. Nothing is started; exit 0 when the
 * goal would run, 2 with every problem, by file and line, when it would not.
 */
import { basename } from 'node:path';
import { EXIT, InputError, UsageError, parseFlags } from '../../shared/node/cli-args.js';
import type { Goal } from '../../shared/goal/index.js';
import { RepoInputError, UserRepo } from '../driver/user-repo.js';
import { outlineGraph, type GraphOutline } from '../driver/graph-outline.js';
import { formatDuration } from '../driver/report.js';
import { loadGoal } from './load-goal.js';
import { shortId } from '../../shared/short-id.js';

export const FLAGS = { repo: { type: 'string' }, json: { type: 'boolean' } } as const;

/** What `check --json` prints, one object; `criticalPath` and `workMs` as outlineGraph gives them. */
export interface GoalSummary extends GraphOutline {
  type: 'goal';
  file: string;
  title: string;
  repo: string;
  /** The goal's `base`, else HEAD, and the commit it is. */
  ref: string;
  base: string;
  /** The goal's `setup`, `verify` and `budget_usd`, where given. */
  setup?: string;
  verify?: string;
  budgetUsd?: number;
  /** False for a goal without a task list: `run` has it planned first. */
  hasTaskList: boolean;
  tasks: Array<{ id: string; title: string; after: string[]; estimateMs?: number }>;
}

export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'check needs a goal file' : `unexpected argument "${positionals[1]}"`);
  const file = positionals[0]!;
  let repo: UserRepo;
  try {
    repo = await UserRepo.open(values.repo ?? process.cwd());
  } catch (err) {
    if (err instanceof RepoInputError) throw new InputError(err.message);
    throw err;
  }
  const { goal, base } = await loadGoal(file, repo);
  const summary = summarize(file, goal, repo.root, base);
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : describe(summary));
  return EXIT.ok;
}

export function summarize(file: string, goal: Goal, repo: string, base: string): GoalSummary {
  return {
    type: 'goal', file, title: goal.title, repo, ref: goal.base ?? 'HEAD', base, hasTaskList: goal.hasTaskList,
    ...(goal.setup !== undefined ? { setup: goal.setup } : {}),
    ...(goal.verify !== undefined ? { verify: goal.verify } : {}),
    ...(goal.budgetUsd !== undefined ? { budgetUsd: goal.budgetUsd } : {}),
    tasks: goal.tasks.map((t) => ({ id: t.id, title: t.title, after: [...t.after], ...(t.estimateMs !== undefined ? { estimateMs: t.estimateMs } : {}) })),
    ...outlineGraph(goal.tasks),
  };
}

/** The summary as a person reads it. */
export function describe(s: GoalSummary): string {
  const from = `from ${s.ref} (${shortId(s.base)}) in ${s.repo}`;
  const settings = [
    s.setup !== undefined ? `Setup, in each new worktree: ${s.setup}` : '',
    s.verify !== undefined ? `Verify, after each task and each merge: ${s.verify}` : '',
    s.budgetUsd !== undefined ? `Budget for the run: $${s.budgetUsd}` : '',
  ].filter(Boolean).map((line) => `${line}\n`).join('');
  if (!s.hasTaskList) return `${basename(s.file)} would run ${from}. It has no task list: \`claudecluster run\` has Claude Code plan one first.\n${settings}`;
  const lines = [`${basename(s.file)} would run ${s.tasks.length} task(s) ${from}:`];
  const width = Math.max(...s.tasks.map((t) => t.id.length));
  for (const t of s.tasks) {
    const extra = [t.after.length > 0 ? `after ${t.after.join(', ')}` : '', t.estimateMs !== undefined ? `~${formatDuration(t.estimateMs)}` : ''].filter(Boolean);
    lines.push(`  ${t.id.padEnd(width)}  ${t.title}${extra.length > 0 ? `  (${extra.join('; ')})` : ''}`);
  }
  const path = s.criticalPath;
  const weight = path.estimateMs !== undefined ? `, ~${formatDuration(path.estimateMs)}` : '';
  lines.push(`Critical path: ${path.ids.join(' → ')} (${path.ids.length} task(s)${weight})`);
  if (s.workMs !== undefined) lines.push(`Estimated work in all: ~${formatDuration(s.workMs)}; with enough slots the run takes about the critical path.`);
  return `${lines.join('\n')}\n${settings}`;
}
