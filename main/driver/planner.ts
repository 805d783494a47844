/**
 * The planner: a goal without a `## Tasks` list is planned by Claude Code on one agent, headless
 * and in plan mode (read-only), answering a JSON Schema for a task graph (`--json-schema`). The
 * planning task has its own run id; its worktree goes back to the agent, and its result is never
 * fetched or integrated: only the structured output is used.
 */
import { mkdir } from 'node:fs/promises';
import type { Goal, SessionOptions } from '../../shared/goal/types.js';
import type { TaskResult, TaskSpec } from '../../shared/protocol/control.js';
import type { AgentClient } from './agent-client.js';
import type { AgentPool } from './pool.js';
import { RepoSync } from './sync.js';
import { deleteRefs, runRefs } from './run-cleanup.js';
import { attachTerm } from './term-client.js';
import type { UserRepo } from './user-repo.js';
import { MAX_PLANNED_TASKS, goalFromPlan, planSchema } from './plan-graph.js';

/** The planning task's id within its run. */
export const PLAN_TASK_ID = 'plan';
/** Claude Code's read-only permission mode: it may read and run read-only tools, never edit. */
const PLAN_PERMISSION_MODE = 'plan';
/** TaskSpec titles are capped at this many characters. */
const MAX_TITLE_CHARS = 500;
/** The subtype of Claude Code's result when no answer matched the schema (checked on 2.1.197). */
const SCHEMA_GAVE_UP = 'error_max_structured_output_retries';

export interface PlanRequest {
  /** The planning task's run id (not the run that may follow). */
  runId: string;
  /** The goal to plan: parsed, without a task list. */
  goal: Goal;
  repo: UserRepo;
  /** The commit the planning session looks at. */
  base: string;
  /** Where sync bundles are written while they are sent. */
  workDir: string;
  pool: AgentPool;
  /** The agent chosen, before anything is sent to it. */
  onAgent?(agent: AgentClient): void;
  /** The planning session's terminal (its rendered stream-json). */
  /** The planning session's terminal; a returned promise holds its stream until it resolves. */
  onOutput?(chunk: Uint8Array): void | Promise<void>;
  /** Aborting cancels the planning session on its agent. */
  signal?: AbortSignal;
}

/**
 * A plan, or why there is none. `invalid`: the planner answered, but not with a valid task graph
 * (bad input for a run: nothing is dispatched); otherwise planning itself failed.
 */
export type PlanOutcome =
  | { ok: true; goal: Goal; text: string; agent: string; costUsd: number }
  | { ok: false; invalid: boolean; error: string; agent?: string; costUsd?: number };

/** The error every invalid plan is reported with. */
export function invalidPlanMessage(what: string): string {
  return `the planner returned an invalid task graph: ${what}`;
}

/** Runs one planning session on one ready agent and turns its answer into a goal with tasks. */
export async function planGoal(req: PlanRequest): Promise<PlanOutcome> {
  const agent = pickAgent(req.pool);
  if (typeof agent === 'string') return { ok: false, invalid: false, error: agent };
  req.onAgent?.(agent);
  let result: TaskResult;
  try {
    result = await runPlanningTask(agent, req);
  } catch (err) {
    return { ok: false, invalid: false, agent: agent.name, error: `planning on agent ${agent.name} failed: ${(err as Error).message}` };
  }
  const facts = { agent: agent.name, costUsd: result.session?.costUsd ?? 0 };
  if (result.session?.subtype === SCHEMA_GAVE_UP) {
    return { ok: false, invalid: true, ...facts, error: invalidPlanMessage(`no answer matched the task-graph schema (${result.session.text ?? result.error ?? SCHEMA_GAVE_UP})`) };
  }
  if (!result.ok) return { ok: false, invalid: false, ...facts, error: `planning on agent ${agent.name} failed: ${result.error ?? 'the session failed'}` };
  const plan = goalFromPlan(req.goal, result.session?.structuredOutput);
  if (!plan.ok) return { ok: false, invalid: true, ...facts, error: invalidPlanMessage(plan.error) };
  return { ok: true, goal: plan.goal, text: plan.text, ...facts };
}

/** The agent with the most free slots among those whose owner allows plan mode, or why there is none. */
function pickAgent(pool: AgentPool): AgentClient | string {
  const agents = pool.agents;
  if (agents.length === 0) return 'no agent is connected to plan the goal';
  const able = agents.filter((a) => a.info.permissionModes.includes(PLAN_PERMISSION_MODE));
  if (able.length === 0) return `no agent allows permission mode "${PLAN_PERMISSION_MODE}", which planning needs (${agents.map((a) => a.name).join(', ')})`;
  const free = (a: AgentClient): number => a.info.slots - a.info.running;
  return able.reduce((best, a) => (free(a) > free(best) ? a : best));
}

/** Starts the planning task, waits for its first result, and ends its session. */
async function runPlanningTask(agent: AgentClient, req: PlanRequest): Promise<TaskResult> {
  const { runId, goal, repo, base, workDir } = req;
  const ref = { runId, taskId: PLAN_TASK_ID };
  const spec: TaskSpec = {
    ...ref, title: `Plan: ${goal.title}`.slice(0, MAX_TITLE_CHARS), prompt: planPrompt(goal),
    repoId: repo.repoId, base, session: planSession(goal),
  };
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  await new RepoSync(repo, workDir).ensure(agent, base);
  const unsubscribe: Array<() => void> = [];
  const result = new Promise<TaskResult>((resolve, reject) => {
    unsubscribe.push(
      agent.rpc.on('task.result', (r) => { if (r.runId === runId && r.taskId === PLAN_TASK_ID) resolve(r); }),
      agent.onClose((why) => reject(new Error(`lost agent ${agent.name}: ${why.message}`))),
    );
  });
  result.catch(() => undefined); // Awaited below; this only keeps an early failure from being unhandled.
  const cancel = (): void => void agent.rpc.request('task.cancel', ref).catch(() => undefined);
  try {
    await agent.rpc.request('task.start', spec);
    req.signal?.addEventListener('abort', cancel, { once: true });
    if (req.signal?.aborted) cancel();
    // The terminal is for watching only: planning goes on without it.
    const term = req.onOutput ? await attachTerm(agent, spec, 0, req.onOutput).catch(() => undefined) : undefined;
    try {
      return await result;
    } finally {
      term?.close();
    }
  } finally {
    req.signal?.removeEventListener('abort', cancel);
    for (const u of unsubscribe) u();
    await agent.rpc.request('task.close', ref).catch(() => undefined);
    // Planning leaves nothing in the user's repo: not even the ref that named its base in a bundle.
    await deleteRefs(repo.root, await runRefs(repo.root, runId)).catch(() => undefined);
  }
}

/** Headless, read-only, answering the task-graph schema; the goal's model and per-task budget apply. */
function planSession(goal: Goal): SessionOptions {
  const { model, maxBudgetUsd } = goal.session;
  return {
    mode: 'headless', permissionMode: PLAN_PERMISSION_MODE, jsonSchema: JSON.stringify(planSchema()),
    ...(model ? { model } : {}), ...(maxBudgetUsd ? { maxBudgetUsd } : {}),
  };
}

/** What the planning session is asked: the goal's text and how a good graph for a cluster looks. */
export function planPrompt(goal: Goal): string {
  return [
    'Plan the goal below as a graph of tasks for ClaudeCluster. Each task runs in its own Claude Code session,',
    'in parallel with the others on several machines, each in a fresh git worktree of this repository; a task\'s',
    'changes are merged into one branch when it is done.',
    '',
    'Read the repository as much as you need to plan well (you are in plan mode: change nothing), then answer',
    'with the task graph as your structured output.',
    '',
    'A good graph:',
    '- Runs as much as possible at the same time: tasks that do not need each other have no dependencies.',
    '- Has a dependency ("after") only where a task needs another task\'s result in the repository; a task',
    '  starts from the merged results of the tasks it depends on.',
    '- Keeps tasks that run at the same time out of the same parts of the same files, so their changes merge cleanly.',
    '- Has self-contained tasks: a task\'s session sees only the goal below and its own prompt, not the other tasks',
    '  or this plan. Say in each prompt what to change, where, and what done looks like.',
    `- Has a few substantial tasks rather than many tiny ones (at most ${MAX_PLANNED_TASKS}), and no task that only`,
    '  reviews or checks the others unless the goal asks for one.',
    '- Uses short, unique ids of lower-case words joined by "-", and one-line titles.',
    '- Gives each task a rough estimate of the minutes its session will take: the longest chains of work start first.',
    '',
    'The goal (every task\'s session is given its title and text):',
    '',
    '<goal>',
    `# ${goal.title}`,
    '',
    goal.context,
    '</goal>',
  ].join('\n');
}
