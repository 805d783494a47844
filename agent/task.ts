/** One task on the agent, as the TaskManager keeps it: its spec and owner, its session, logs and results. */
import { join } from 'node:path';
import { taskKey } from '../shared/protocol/common.js';
import type { TaskResult, TaskSpec, TaskStateName } from '../shared/protocol/control.js';
import type { Session } from './session.js';
import { TermLog } from './term-log.js';
import { RecordWriter } from './task-records.js';

export interface Task {
  readonly key: string;
  readonly spec: TaskSpec;
  /** PeerId of the driver that started it: only it hears about the task. */
  readonly owner: string;
  state: TaskStateName;
  costUsd: number;
  log: TermLog;
  rawLog?: TermLog;
  session?: Session;
  worktree?: string;
  /** The commit its session started from when that is not its spec's base: the merges of `spec.mergeIn` into it. */
  startedFrom?: string;
  /** Turns committed and reported so far. */
  turns: number;
  result?: TaskResult;
  /** Every result reported, in turn order; kept on disk until the owner acknowledges it. */
  results: TaskResult[];
  /** The highest turn whose result the owner acknowledged. */
  acked: number;
  record: RecordWriter;
  holdsSlot: boolean;
  cancelRequested?: boolean;
  /** When it took a slot: its durationMs is the time worked on it, not the time it waited in the queue. */
  startedAt: number;
  /** Commits and results of one task happen one after another. */
  chain: Promise<void>;
  idleTimer?: NodeJS.Timeout;
  /** When the session last did or received something. */
  lastActive: number;
  /** Follow-up turns a failing verify has triggered so far. */
  verifyFailures: number;
  /** A chained start (`spec.chainAfter`): the commit it starts from, once that task reported it, and whether to check it out (else merge it into the base). */
  chainFrom?: { commit: string; checkout: boolean };
}

/** A new task in state queued, its logs (and record) in `dir`. */
export function newTask(dir: string, spec: TaskSpec, owner: string, headless: boolean): Task {
  return {
    key: taskKey(spec), spec, owner, state: 'queued', costUsd: 0, turns: 0, results: [], acked: 0, verifyFailures: 0, holdsSlot: false,
    startedAt: Date.now(), lastActive: Date.now(), chain: Promise.resolve(), record: new RecordWriter(dir),
    log: new TermLog(join(dir, 'term.log')),
    ...(headless ? { rawLog: new TermLog(join(dir, 'stream.jsonl')) } : {}),
  };
}
