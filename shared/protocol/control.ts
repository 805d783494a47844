/**
 * `/claudecluster/control/1.0.0`: length-prefixed JSON-RPC 2.0 between a driver (client)
 * and an agent (server). One long-lived stream per driver connection.
 */
import { z } from 'zod';
import { Id, InlineBundle, Oid, Sha256, TaskRef } from './common.js';
import { JsonSchemaText, StructuredOutput } from './json-value.js';
import type { RpcContract } from './rpc-endpoint.js';

export const MAX_PROMPT_CHARS = 256 * 1024;
/** Longest setup or verify command a goal may give. */
export const MAX_COMMAND_CHARS = 4000;
/** Most follow-up turns a failing verify may trigger. */
export const MAX_VERIFY_RETRIES = 10;
/** Most reported results an early start merges in on the agent (TaskSpec.mergeIn). */
export const MAX_MERGE_IN = 16;

export const SessionOptionsSchema = z.object({
  mode: z.enum(['tui', 'headless']).optional(),
  model: z.string().max(100).optional(),
  permissionMode: z.enum(['acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan']).optional(),
  maxTurns: z.number().int().positive().max(10_000).optional(),
  maxBudgetUsd: z.number().positive().max(100_000).optional(),
  allowedTools: z.array(z.string().min(1).max(200)).max(100).optional(),
  /** Headless mode only: the answer must match this JSON Schema (`SessionSummary.structuredOutput`). */
  jsonSchema: JsonSchemaText.optional(),
}).strict();

export const ClaudePreflight = z.object({
  /** `claude --version`, or null when it could not be run. */
  version: z.string().max(100).nullable(),
  loggedIn: z.boolean(),
  authMethod: z.string().max(40).optional(),
  /** Why Claude Code cannot be used, and what to run on the agent's machine. */
  problem: z.string().max(500).optional(),
}).strict();
export type ClaudePreflight = z.infer<typeof ClaudePreflight>;

export const AgentInfo = z.object({
  peerId: z.string().max(128),
  name: z.string().max(100),
  version: z.string().max(40),
  platform: z.string().max(40),
  slots: z.number().int().positive(),
  running: z.number().int().nonnegative(),
  claudeBin: z.string().max(4096),
  /** Preflight: the agent's Claude Code and its login; the driver skips agents that cannot run it. */
  claude: ClaudePreflight,
  /** Permission modes this agent's owner allows. */
  permissionModes: z.array(z.string().max(40)).max(10),
}).strict();
export type AgentInfo = z.infer<typeof AgentInfo>;

/** What the driver asks an agent to run. */
export const TaskSpec = TaskRef.extend({
  title: z.string().min(1).max(500),
  prompt: z.string().min(1).max(MAX_PROMPT_CHARS),
  /** Identifies the origin repository; the agent keeps one cache per repoId. */
  repoId: Sha256,
  /** The commit the task's worktree starts at; the agent must already have it (repo.apply). */
  base: Oid,
  session: SessionOptionsSchema,
  /** Run in the new worktree before the session (e.g. `npm ci`); a failure fails the task. */
  setup: z.string().min(1).max(MAX_COMMAND_CHARS).optional(),
  /** Run after each turn; a failure goes back to the session as a follow-up turn. */
  verify: z.string().min(1).max(MAX_COMMAND_CHARS).optional(),
  verifyRetries: z.number().int().nonnegative().max(MAX_VERIFY_RETRIES).optional(),
  /**
   * A conflict resolution: this commit is merged into the worktree (conflicts left in place)
   * before the session starts, and the result must be free of conflict markers.
   */
  mergeFrom: Oid.optional(),
  /**
   * An early start: the reported results of the task's unmerged dependencies, merged into `base`
   * one after another (a merge commit each) before the session starts. A conflict fails the task
   * before its session starts.
   */
  mergeIn: z.array(Oid).min(1).max(MAX_MERGE_IN).optional(),
  /**
   * A chained start: `taskId` of a task of the same run and driver on this agent, still at work.
   * This one waits in the queue until that one reports a result with a commit, then takes the slot
   * it frees and starts from that commit — checked out when `base` is that task's own base (or
   * where it started from), else merged into `base`. When that task ends without such a result,
   * this one fails before its session starts.
   */
  chainAfter: Id.optional(),
}).strict();
export type TaskSpec = z.infer<typeof TaskSpec>;

/**
 * A task on an agent: queued → starting → working ⇄ needs-input → turn-done → committing → done
 * (its result is sent; the session stays open for follow-ups, which go round again) → exited.
 * failed and cancelled end it early.
 */
export const TASK_STATES = ['queued', 'starting', 'working', 'needs-input', 'turn-done', 'committing', 'done', 'failed', 'cancelled', 'exited'] as const;
export const TaskStateName = z.enum(TASK_STATES);
export type TaskStateName = z.infer<typeof TaskStateName>;
/** States after which a task never changes again. */
export const FINAL_STATES: ReadonlySet<TaskStateName> = new Set(['failed', 'cancelled', 'exited']);

export const TaskStateEvent = TaskRef.extend({
  state: TaskStateName,
  /** Milliseconds since the epoch, on the agent. */
  at: z.number(),
  detail: z.string().max(2000).optional(),
  /** The session's running cost so far. */
  costUsd: z.number().nonnegative().optional(),
  /** When the hook behind this change fired (ms since epoch, agent clock), for latency figures. */
  hookSentAt: z.number().optional(),
}).strict();
export type TaskStateEvent = z.infer<typeof TaskStateEvent>;

/** The session's own summary (Claude Code's final `result` event). */
export const SessionSummary = z.object({
  subtype: z.string().max(64),
  isError: z.boolean(),
  costUsd: z.number().nonnegative(),
  numTurns: z.number().int().nonnegative(),
  text: z.string().max(20_000).optional(),
  /** With `jsonSchema`: the JSON the session answered with (the `result` event's `structured_output`). */
  structuredOutput: StructuredOutput.optional(),
}).strict();
export type SessionSummary = z.infer<typeof SessionSummary>;

export const TaskResult = TaskRef.extend({
  ok: z.boolean(),
  /** Which turn this result is for: 1, then one more for each follow-up. */
  turn: z.number().int().nonnegative(),
  base: Oid,
  /** The task's commit on top of base; null when the session changed nothing. */
  commit: Oid.nullable(),
  /** A bundle of base..commit, fetched over the blob protocol; or, when small, carried `inline` in the live event. */
  bundle: z.object({ sha256: Sha256, size: z.number().int().nonnegative(), inline: InlineBundle.optional() }).strict().nullable(),
  exitCode: z.number().int().nullable(),
  session: SessionSummary.nullable(),
  /** Why the task failed, for people. */
  error: z.string().max(4000).optional(),
  /** The goal's verify command on the agent, after the last turn. */
  verify: z.object({ ok: z.boolean(), exitCode: z.number().int().nullable(), tail: z.string().max(4000) }).strict().optional(),
  /** Bytes in the task's terminal log. */
  logBytes: z.number().int().nonnegative(),
  /** From the task taking one of the agent's slots (not from its arrival in the agent's queue) to this result. */
  durationMs: z.number().nonnegative(),
}).strict();
export type TaskResult = z.infer<typeof TaskResult>;

/** Most unacknowledged results one task reports in a listing. */
export const MAX_PENDING_RESULTS = 1000;

/** A task as `task.list` shows it to a driver coming back: where it is, and the results it has not acknowledged. */
export const TaskSummary = TaskRef.extend({
  state: TaskStateName,
  logBytes: z.number().int().nonnegative(),
  /** Results not yet acknowledged with `task.ack`, in turn order. */
  results: z.array(TaskResult).max(MAX_PENDING_RESULTS),
}).strict();
export type TaskSummary = z.infer<typeof TaskSummary>;

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) }).strict();

export const controlContract = {
  requests: {
    'agent.info': { params: Empty, result: AgentInfo },
    /** Commits the agent already has for this repo, so the driver sends only the rest. */
    'repo.tips': { params: z.object({ repoId: Sha256 }).strict(), result: z.object({ tips: z.array(Oid).max(1000) }).strict() },
    /** Verify and apply a bundle (already uploaded as a blob, or small and `inline`) to the agent's cache of the repo. */
    'repo.apply': { params: z.object({ repoId: Sha256, blob: Sha256, commit: Oid, inline: InlineBundle.optional() }).strict(), result: Ok },
    'task.start': { params: TaskSpec, result: z.object({ accepted: z.literal(true), state: TaskStateName }).strict() },
    'task.cancel': { params: TaskRef, result: z.object({ cancelled: z.boolean() }).strict() },
    /** The run is over: end the task's session (its results stay). */
    'task.close': { params: TaskRef, result: z.object({ closed: z.boolean() }).strict() },
    /** A new turn for a task whose session waits for one (e.g. a verify that failed after merging). */
    'task.followUp': { params: TaskRef.extend({ text: z.string().min(1).max(MAX_PROMPT_CHARS) }).strict(), result: z.object({ accepted: z.boolean() }).strict() },
    /** The calling driver's tasks on this agent (of one run, or all): to re-attach and collect after a disconnect or a restart. */
    'task.list': { params: z.object({ runId: Id.optional() }).strict(), result: z.object({ tasks: z.array(TaskSummary).max(10_000) }).strict() },
    /**
     * The calling driver unpairs itself: the agent takes it off its allowlist, cancels its tasks,
     * answers, then closes its connections.
     */
    'driver.unpair': { params: Empty, result: Ok },
    /** The driver holds the task's results up to `turn`: the agent may let their bundles go. */
    'task.ack': { params: TaskRef.extend({ turn: z.number().int().positive() }).strict(), result: z.object({ acked: z.boolean() }).strict() },
  },
  notifications: {
    'task.state': TaskStateEvent,
    'task.result': TaskResult,
  },
} as const satisfies RpcContract;
export type ControlContract = typeof controlContract;
