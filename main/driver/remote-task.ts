/**
 * One task on one agent, from the driver's side: sync its base, start it, stream its terminal,
 * and hand every result it reports (the first turn, then each follow-up) to `onResult`, with the
 * result's commits already fetched into refs/claudecluster/ of the user's repo. `close()` ends
 * the session when the run is over.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { TaskResult, TaskSpec, TaskStateEvent } from '../../shared/protocol/control.js';
import type { AgentClient } from './agent-client.js';
import type { RepoSync } from './sync.js';
import type { UserRepo } from './user-repo.js';
import { attachTerm, type TermAttachment } from './term-client.js';
import { getBlob } from './blob-client.js';

export interface RemoteTaskDeps {
  repo: UserRepo;
  sync: RepoSync;
  workDir: string;
  onState(event: TaskStateEvent): void;
  onOutput(chunk: Uint8Array): void;
  /** A result has been reported, before its commits are fetched: the agent's slot is free from now. */
  onReported?(result: TaskResult): void;
  /** A result, in turn order; `ref` holds its commit when it changed something. */
  onResult(result: TaskResult, ref: string | undefined): Promise<void>;
  /** The agent went away before the task's session ended. */
  onLost(error: Error): void;
}

export class RemoteTask {
  private readonly unsubscribe: Array<() => void> = [];
  private term: TermAttachment | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(readonly agent: AgentClient, readonly spec: TaskSpec, private readonly deps: RemoteTaskDeps) {}

  async start(): Promise<void> {
    const { agent, spec, deps } = this;
    await deps.sync.ensure(agent, spec.base);
    const mine = (e: { runId: string; taskId: string }): boolean => e.runId === spec.runId && e.taskId === spec.taskId;
    this.unsubscribe.push(
      agent.rpc.on('task.state', (e) => { if (mine(e)) deps.onState(e); }),
      agent.rpc.on('task.result', (r) => {
        if (!mine(r)) return;
        deps.onReported?.(r);
        this.chain = this.chain.then(() => this.deliver(r));
      }),
      agent.onClose((why) => { if (!this.closed) deps.onLost(new Error(`lost agent ${agent.name}: ${why.message}`)); }),
    );
    await agent.rpc.request('task.start', spec);
    this.term = await attachTerm(agent, spec, 0, deps.onOutput);
  }

  /** Input typed for the task's session (its pane). */
  async input(data: string): Promise<void> {
    await this.term?.input(data);
  }

  /** Resizes the task's terminal on the agent. */
  async resize(cols: number, rows: number): Promise<void> {
    await this.term?.resize(cols, rows);
  }

  private async deliver(result: TaskResult): Promise<void> {
    if (this.closed) return;
    let ref: string | undefined;
    if (result.commit && result.bundle) {
      const file = join(this.deps.workDir, `result-${this.spec.taskId}-${result.turn}.bundle`);
      try {
        await getBlob(this.agent, result.bundle.sha256, file);
        ref = this.deps.repo.resultRef(this.spec.runId, this.spec.taskId);
        await this.deps.repo.fetchResult(file, result.commit, ref);
        // The agent made it and this repo now has it: it is never sent back, and can be a prerequisite.
        this.deps.sync.learn(this.agent, result.commit);
      } finally {
        await rm(file, { force: true });
      }
    }
    await this.deps.onResult(result, ref);
  }

  /** Ends the task's session on the agent and stops listening; results already fetched stay. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe) u();
    await this.agent.rpc.request('task.close', { runId: this.spec.runId, taskId: this.spec.taskId }).catch(() => undefined);
    this.term?.close();
  }
}
