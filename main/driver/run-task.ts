/**
 * A task as one run tracks it: the goal's task plus its attempts, the agent it is on, and what
 * its next attempt will start from; and the task spec each attempt sends to its agent.
 */
import type { Goal, GoalTask } from '../../shared/goal/types.js';
import { composePrompt, taskPriority, taskSession } from '../../shared/goal/index.js';
import type { TaskSpec } from '../../shared/protocol/control.js';
import type { AgentClient } from './agent-client.js';
import type { RemoteTask } from './remote-task.js';
import type { ReuseInput } from './reuse.js';
import { resolutionPrompt } from './resolution.js';
import type { TaskReport } from './run-output.js';

export interface RunTask extends TaskReport {
  task: GoalTask;
  after: string[];
  client?: AgentClient;
  remote?: RemoteTask;
  /** Whether it still holds a slot on its agent (until its first result). */
  holdsSlot?: boolean;
  startedAt?: number;
  priority: number;
  /** Its weight on a critical path (see taskEstimates); unset when the goal gives no estimates. */
  estimateMs?: number;
  attempts: number;
  /** What its earlier attempts cost: its `costUsd` is that plus the current attempt's. */
  costBefore?: number;
  /** Times it was sent to an agent, early starts stopped included: each start has an id of its own there. */
  starts: number;
  /** Agents an attempt failed on: retries go elsewhere when they can. */
  avoidAgents: string[];
  /** Agents that refused it (their owner's policy does not allow it): it never goes there again. */
  refusedBy: string[];
  notBefore?: number;
  timer?: NodeJS.Timeout;
  /** Follow-ups sent because verify failed on the integrated branch. */
  verifyFollowUps: number;
  /** Set when its result conflicted: the next attempt merges this commit onto the current head. */
  resolving?: { commit: string; conflicts: string[]; count: number };
  /** Agents that already hold the base it would start from now. */
  preferAgents?: string[];
  /** It may start now from its dependencies' reported results, before they merge (EarlyStarts). */
  early?: boolean;
  /** Those results can be sent to every agent: the early start may go to any. */
  spread?: boolean;
  /** It may go now into the queue of the agent this dependency of it runs on, to start there from that one's result (a chained start). */
  chain?: string | undefined;
  /** Its current attempt is chained after this task's attempt, on the same agent. */
  chainedOn?: string | undefined;
  /** The attempt (agent task id) of a dependency it was chained after that gave it no start: never chained after that one again. */
  noStartFrom?: string;
  /** Its current attempt started early with these reported results merged in on the agent. */
  mergeIn?: string[] | undefined;
  /** Reported results that did not merge cleanly into its base on the agent: no early start from any of them again. */
  unmergeable?: string[];
  /** What its current attempt ran, for reuse once it merges. */
  ran?: ReuseInput;
  /** The id its current attempt has on the agent: each attempt is a task of its own there. */
  agentTaskId?: string;
}

/** Most characters of a task id kept in an attempt's id (ids are at most 64). */
const ATTEMPT_ID_CHARS = 56;

function attemptId(id: string, attempt: number): string {
  return attempt <= 1 ? id : `${id.slice(0, ATTEMPT_ID_CHARS)}--${attempt}`;
}

export function newRunTask(goal: Goal, task: GoalTask, estimateMs?: number): RunTask {
  return {
    id: task.id, title: task.title, after: task.after, status: 'waiting', task,
    priority: taskPriority(goal, task), attempts: 0, starts: 0, avoidAgents: [], refusedBy: [], verifyFollowUps: 0,
    ...(estimateMs !== undefined ? { estimateMs } : {}),
  };
}

/** What the current attempt sends its agent: a resolution carries the conflicting commit and says what to do. */
export function attemptSpec(goal: Goal, rt: RunTask, at: { runId: string; repoId: string; base: string; verifyRetries: number; chainAfter?: string }): TaskSpec {
  const prompt = composePrompt(goal, rt.task);
  const resolving = rt.resolving;
  return {
    runId: at.runId, taskId: attemptId(rt.id, rt.starts), title: rt.title, repoId: at.repoId, base: at.base,
    prompt: resolving ? resolutionPrompt(rt, resolving.commit, resolving.conflicts, prompt) : prompt,
    session: taskSession(goal, rt.task),
    ...(goal.setup ? { setup: goal.setup } : {}),
    ...(goal.verify ? { verify: goal.verify, verifyRetries: at.verifyRetries } : {}),
    ...(resolving ? { mergeFrom: resolving.commit } : rt.mergeIn ? { mergeIn: rt.mergeIn } : {}),
    ...(at.chainAfter ? { chainAfter: at.chainAfter } : {}),
  };
}

/** The part of a run task that is reported: its bookkeeping stays inside the run. */
export function toReport(rt: RunTask): TaskReport {
  const {
    task: _t, startedAt: _s, client: _c, remote: _r, holdsSlot: _h, starts: _st, priority: _p, estimateMs: _es, avoidAgents: _a, refusedBy: _rb, notBefore: _n,
    timer: _tm, verifyFollowUps: _v, resolving: _rs, ran: _ran, agentTaskId: _id, preferAgents: _pa, costBefore: _cb, early: _e, spread: _sp, chain: _ch, chainedOn: _co, noStartFrom: _ns, mergeIn: _mi, unmergeable: _um, ...report
  } = rt;
  return report;
}

export function costByAgent(tasks: TaskReport[]): Array<{ agent: string; tasks: number; costUsd: number }> {
  const by = new Map<string, { agent: string; tasks: number; costUsd: number }>();
  for (const t of tasks) {
    if (!t.agent) continue;
    const a = by.get(t.agent) ?? { agent: t.agent, tasks: 0, costUsd: 0 };
    a.tasks++;
    a.costUsd += t.costUsd ?? 0;
    by.set(t.agent, a);
  }
  return [...by.values()];
}
