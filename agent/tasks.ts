/**
 * The agent's tasks: a queue feeding `slots` concurrent sessions. Each task gets a fresh
 * worktree at its base commit, runs its session there, and ends with a commit, a result
 * bundle in the blob store and a TaskResult for the driver that started it.
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RPC_ERROR, RpcError, errorMessage } from '../shared/protocol/index.js';
import { taskKey, type TaskRef } from '../shared/protocol/common.js';
import { FINAL_STATES, type TaskResult, type TaskSpec, type TaskStateEvent, type TaskStateName } from '../shared/protocol/control.js';
import type { AgentPaths } from './paths.js';
import type { RepoCache } from './repo-cache.js';
import type { BlobStore } from './blob-store.js';
import { TermLog } from './term-log.js';
import { Session } from './session.js';

export interface Task {
  readonly key: string;
  readonly spec: TaskSpec;
  /** PeerId of the driver that started it: only it hears about the task. */
  readonly owner: string;
  state: TaskStateName;
  log: TermLog;
  session?: Session;
  result?: TaskResult;
  cancelRequested?: boolean;
}

export interface TaskEvents {
  state: [owner: string, event: TaskStateEvent];
  result: [owner: string, result: TaskResult];
}

export interface TaskManagerOptions {
  paths: AgentPaths;
  repos: RepoCache;
  blobs: BlobStore;
  slots: number;
  claudeBin: string;
  /** The environment sessions get: the agent's own, never anything a driver sent. */
  env: NodeJS.ProcessEnv;
}

export class TaskManager extends EventEmitter<TaskEvents> {
  private readonly tasks = new Map<string, Task>();
  private readonly queue: Task[] = [];
  private running = 0;

  constructor(private readonly opts: TaskManagerOptions) {
    super();
  }

  get slots(): number {
    return this.opts.slots;
  }

  get busy(): number {
    return this.running;
  }

  get(ref: TaskRef): Task | undefined {
    return this.tasks.get(taskKey(ref));
  }

  list(runId?: string): Task[] {
    return [...this.tasks.values()].filter((t) => runId === undefined || t.spec.runId === runId);
  }

  /** Accepts a task (idempotent for the same driver); it starts when a slot is free. */
  async start(spec: TaskSpec, owner: string): Promise<Task> {
    const key = taskKey(spec);
    const existing = this.tasks.get(key);
    if (existing) {
      if (existing.owner !== owner) throw new RpcError(RPC_ERROR.busy, `task ${key} belongs to another driver`);
      return existing;
    }
    if (!(await this.opts.repos.hasCommit(spec.repoId, spec.base))) {
      throw new RpcError(RPC_ERROR.notFound, `base commit ${spec.base} is not in this agent's cache; send it first (repo.apply)`);
    }
    const dir = this.opts.paths.task(key);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const task: Task = { key, spec, owner, state: 'queued', log: new TermLog(join(dir, 'term.log')) };
    this.tasks.set(key, task);
    this.queue.push(task);
    this.setState(task, 'queued');
    this.pump();
    return task;
  }

  cancel(ref: TaskRef, owner: string): boolean {
    const task = this.get(ref);
    if (!task || task.owner !== owner || FINAL_STATES.has(task.state)) return false;
    task.cancelRequested = true;
    const queued = this.queue.indexOf(task);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.finish(task, this.failure(task, 'cancelled before it started', Date.now()), 'cancelled');
      return true;
    }
    task.session?.kill('SIGTERM');
    return true;
  }

  /** Ends every session (agent shutdown). */
  async stop(): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const t of this.tasks.values()) {
      if (t.session) {
        t.cancelRequested = true;
        t.session.kill('SIGTERM');
        waits.push(t.session.exited);
      }
    }
    await Promise.allSettled(waits);
  }

  private pump(): void {
    while (this.running < this.opts.slots && this.queue.length > 0) {
      const task = this.queue.shift()!;
      this.running++;
      this.run(task)
        .catch((err) => this.finish(task, this.failure(task, errorMessage(err), Date.now()), 'failed'))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private async run(task: Task): Promise<void> {
    const started = Date.now();
    const { spec } = task;
    this.setState(task, 'starting');
    await mkdir(this.opts.paths.work, { recursive: true, mode: 0o700 });
    const worktree = await this.opts.repos.acquireWorktree(spec.repoId, spec.base);
    try {
      const session = new Session({ bin: this.opts.claudeBin, prompt: spec.prompt, cwd: worktree, options: spec.session, log: task.log, env: this.opts.env });
      task.session = session;
      this.setState(task, 'working', `pid ${session.pid}`);
      const exit = await session.exited;
      task.session = undefined;
      this.setState(task, 'committing');
      const commit = await this.opts.repos.commitAll(worktree, spec.base, `task ${spec.taskId}: ${spec.title}`);
      let bundle: TaskResult['bundle'] = null;
      if (commit) {
        const tmp = join(this.opts.paths.task(task.key), 'result.bundle');
        await this.opts.repos.bundleResult(spec.repoId, task.key, spec.base, commit, tmp);
        bundle = await this.opts.blobs.adopt(tmp);
      }
      const sessionFailed = exit.exitCode !== 0 || exit.summary?.isError === true;
      const error = task.cancelRequested ? 'cancelled' : sessionFailed ? describeFailure(exit.exitCode, exit.summary?.text) : undefined;
      const result: TaskResult = {
        runId: spec.runId, taskId: spec.taskId, ok: !error, base: spec.base, commit, bundle,
        exitCode: exit.exitCode, session: exit.summary, logBytes: task.log.size, durationMs: Date.now() - started,
        ...(error ? { error } : {}),
      };
      this.finish(task, result, task.cancelRequested ? 'cancelled' : error ? 'failed' : 'done');
    } finally {
      await this.opts.repos.releaseWorktree(spec.repoId, worktree);
    }
  }

  private failure(task: Task, error: string, started: number): TaskResult {
    const { spec } = task;
    return {
      runId: spec.runId, taskId: spec.taskId, ok: false, base: spec.base, commit: null, bundle: null,
      exitCode: null, session: null, error, logBytes: task.log.size, durationMs: Date.now() - started,
    };
  }

  private finish(task: Task, result: TaskResult, state: TaskStateName): void {
    if (FINAL_STATES.has(task.state)) return;
    task.result = result;
    task.log.end();
    this.setState(task, state, result.error);
    this.emit('result', task.owner, result);
  }

  private setState(task: Task, state: TaskStateName, detail?: string): void {
    task.state = state;
    const event: TaskStateEvent = { runId: task.spec.runId, taskId: task.spec.taskId, state, at: Date.now(), ...(detail ? { detail: detail.slice(0, 2000) } : {}) };
    this.emit('state', task.owner, event);
  }
}

function describeFailure(exitCode: number, text: string | undefined): string {
  const why = text ? `: ${text.slice(0, 500)}` : '';
  return `session exited with code ${exitCode}${why}`;
}
