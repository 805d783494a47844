/**
 * `BridgeApi`: everything the renderer asks of the driver and everything the driver tells it.
 * One contract for both shells: Electron IPC (preload + main) and WebSocket (`claudecluster ui`)
 * each carry it as JSON-RPC 2.0 through the generic `RpcServer`/`RpcClient`, so the method
 * allowlist is this file's keys and every payload is parsed with these schemas at both ends.
 */
import { z } from 'zod';
import { Id } from '../protocol/common.js';
import type { RpcContract } from '../protocol/rpc-endpoint.js';
import { MAX_GOAL_BYTES } from '../goal/parse.js';
import { TaskView, RunView, RunListItem, TaskDetail } from './views.js';
import { AgentView } from './agents.js';
import { Settings, SettingsPatch } from './settings.js';

/** Longest chunk of terminal input one `task.input` may carry (a large paste). */
export const MAX_INPUT_CHARS = 64 * 1024;
/** Largest batch of terminal output one `term.data` may carry. */
export const MAX_TERM_DATA_CHARS = 256 * 1024;
/** Terminal size bounds, in cells. */
export const MAX_TERM_COLS = 1000;
export const MAX_TERM_ROWS = 500;

const Empty = z.object({}).strict();
const Ok = z.object({}).strict();
const RunRef = z.object({ runId: Id }).strict();
const TaskRef = z.object({ runId: Id, taskId: Id }).strict();
/** A goal as the renderer holds it: its file name (for messages) and its text. */
const GoalText = z.object({
  name: z.string().min(1).max(255),
  text: z.string().max(MAX_GOAL_BYTES),
}).strict();

/** One line of a goal that failed validation: `name:line: message`. */
export const GoalProblem = z.object({ line: z.number().int().nonnegative(), message: z.string().max(2000) }).strict();
export type GoalProblem = z.infer<typeof GoalProblem>;

/** A goal checked (or planned): the tasks it will run, or what is wrong with it. Expected failures are values. */
export const GoalCheck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    name: z.string(),
    /** The goal's text; after `goal.plan`, the planned goal written out with its tasks. */
    text: z.string().max(MAX_GOAL_BYTES),
    title: z.string(),
    /** False: the goal has no `## Tasks` list and must be planned before it can start. */
    hasTaskList: z.boolean(),
    base: z.string().optional(),
    verify: z.string().optional(),
    budgetUsd: z.number().optional(),
    tasks: z.array(z.object({ id: z.string(), title: z.string(), after: z.array(z.string()), prompt: z.string(), estimateMs: z.number().optional() }).strict()),
    /** The longest chain of `after:`, first to last, weighed by the tasks' estimates when the goal gives any (`estimateMs`), else counted in tasks. */
    criticalPath: z.object({ ids: z.array(z.string()), estimateMs: z.number().optional() }).strict(),
    /** Every task's estimate added up (one without counts as the median of the others'), when the goal gives any. */
    workMs: z.number().optional(),
  }).strict(),
  z.object({ ok: z.literal(false), name: z.string(), problems: z.array(GoalProblem).min(1) }).strict(),
]);
export type GoalCheck = z.infer<typeof GoalCheck>;

export const AppInfo = z.object({
  version: z.string(),
  /** The repository runs start in (`--repo` or the working directory); null when none is set. */
  repo: z.string().nullable(),
  /** This driver's PeerId: what an agent's owner pairs with. */
  peerId: z.string(),
  shell: z.enum(['electron', 'browser']),
}).strict();
export type AppInfo = z.infer<typeof AppInfo>;

/** What `run.pullRequest` did; unless `created`, `instructions` finish the job by hand. */
export const PullRequestResult = z.object({
  status: z.enum(['created', 'pushed', 'not-pushed']),
  url: z.string().max(2000).optional(),
  remote: z.string().max(200).optional(),
  reason: z.string().max(4000).optional(),
  instructions: z.array(z.string().max(4000)).max(10).optional(),
}).strict();
export type PullRequestResult = z.infer<typeof PullRequestResult>;

export const BridgeContract = {
  requests: {
    'app.info': { params: Empty, result: AppInfo },
    'agents.list': { params: Empty, result: z.object({ agents: z.array(AgentView) }).strict() },
    /** Pairs with the agent at `addr` (a multiaddr or a PeerId found by mDNS) using its one-time code. */
    'agents.pair': { params: z.object({ addr: z.string().min(1).max(1000), code: z.string().min(1).max(100) }).strict(), result: z.object({ agent: AgentView }).strict() },
    'agents.unpair': { params: z.object({ peerId: z.string().min(1).max(128) }).strict(), result: Ok },
    /** Parses and validates a goal without starting anything. */
    'goal.check': { params: GoalText, result: GoalCheck },
    /** Plans a goal that has no task list (Claude Code, read-only, on an agent); returns the planned goal. */
    'goal.plan': { params: GoalText, result: GoalCheck },
    /** Starts a run of a goal that has a task list (a hand-written or a reviewed, planned one). */
    'run.start': { params: GoalText, result: z.union([z.object({ ok: z.literal(true), runId: Id }).strict(), z.object({ ok: z.literal(false), problems: z.array(GoalProblem).min(1) }).strict()]) },
    'run.cancel': { params: RunRef, result: Ok },
    /**
     * Pushes a run that merged every task and opens its pull request with `gh`, the report as its
     * body (as `run --pr` does): `created` with its URL, or what happened and the commands that finish it by hand.
     */
    'run.pullRequest': { params: RunRef, result: PullRequestResult },
    /** A run as it stands: live, or read back from its record. */
    'run.get': { params: RunRef, result: RunView },
    'runs.list': { params: Empty, result: z.object({ runs: z.array(RunListItem) }).strict() },
    'task.cancel': { params: TaskRef, result: Ok },
    /** Runs a failed or blocked task again (and, once it merges, what waits on it); a run that has ended is taken up again for it. */
    'task.retry': { params: TaskRef, result: Ok },
    'task.input': { params: TaskRef.extend({ data: z.string().min(1).max(MAX_INPUT_CHARS) }).strict(), result: Ok },
    'task.resize': { params: TaskRef.extend({ cols: z.number().int().min(2).max(MAX_TERM_COLS), rows: z.number().int().min(1).max(MAX_TERM_ROWS) }).strict(), result: Ok },
    /**
     * Starts (or restarts) the `term.data` feed of one task's terminal for this client: returns
     * the recent output to write first, and the offset the live feed continues from.
     */
    'term.attach': { params: TaskRef, result: z.object({ data: z.string(), offset: z.number().int().nonnegative() }).strict() },
    /** The client has written `chars` more characters of this task's feed into its terminal. */
    'term.ack': { params: TaskRef.extend({ chars: z.number().int().positive().max(100_000_000) }).strict(), result: Ok },
    /** The client closed its pane of this task: the feed stops (a feed nobody acks would hold the task's stream). */
    'term.detach': { params: TaskRef, result: Ok },
    'task.detail': { params: TaskRef, result: TaskDetail },
    /** A task's whole terminal log as text (the panes keep only a capped scrollback). */
    'task.log': { params: TaskRef, result: z.object({ text: z.string(), truncated: z.boolean() }).strict() },
    'settings.get': { params: Empty, result: Settings },
    'settings.set': { params: SettingsPatch, result: Settings },
  },
  notifications: {
    'agents.changed': z.object({ agents: z.array(AgentView) }).strict(),
    'run.started': z.object({ run: RunView }).strict(),
    'task.status': z.object({ runId: Id, task: TaskView, detail: z.string().optional() }).strict(),
    /**
     * Terminal output for an attached task, batched at the source. `offset` counts the characters
     * of this feed sent before this batch, so a client can drop what it already has after an attach.
     */
    'term.data': z.object({ runId: Id, taskId: Id, offset: z.number().int().nonnegative(), data: z.string().max(MAX_TERM_DATA_CHARS) }).strict(),
    'run.finished': z.object({ run: RunView }).strict(),
    /** The desktop shell's File ▸ Open Goal…: a goal to review, as if it had been dropped on the window. */
    'goal.opened': GoalText,
    /** A `goal.plan` of the goal `name` has its planner at work: its terminal is `term.attach` { runId: planId, taskId: PLAN_TERM_TASK_ID } until the plan is back. */
    'goal.planning': z.object({ planId: Id, name: GoalText.shape.name }).strict(),
    /** Something the user should see: warnings, agent trouble, a run that could not start. */
    'notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string().max(4000), runId: Id.optional(), taskId: Id.optional() }).strict(),
  },
} as const satisfies RpcContract;

export type BridgeContract = typeof BridgeContract;
export type BridgeMethod = keyof BridgeContract['requests'] & string;
export type BridgeEvent = keyof BridgeContract['notifications'] & string;
export type BridgeParams<M extends BridgeMethod> = z.input<BridgeContract['requests'][M]['params']>;
export type BridgeResult<M extends BridgeMethod> = z.output<BridgeContract['requests'][M]['result']>;
export type BridgeEventPayload<E extends BridgeEvent> = z.output<BridgeContract['notifications'][E]>;

/** The explicit allowlists the adapters check against. */
export const BRIDGE_METHODS = Object.keys(BridgeContract.requests) as BridgeMethod[];
export const BRIDGE_EVENTS = Object.keys(BridgeContract.notifications) as BridgeEvent[];

/** What the renderer sees, whichever shell carries it. */
export interface BridgeApi {
  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>>;
  on<E extends BridgeEvent>(event: E, handler: (payload: BridgeEventPayload<E>) => void): () => void;
}

export { TaskView, RunView, RunListItem, TaskDetail, AgentView, Settings, SettingsPatch };
