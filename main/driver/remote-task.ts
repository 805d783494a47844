/**
 * One task on one agent, from the driver's side: start it behind its base, stream its terminal,
 * and hand every result it reports (the first turn, then each follow-up) to `onResult`, with the
 * result's commits already fetched into the user's repo (pinned under refs/claudecluster/ and
 * acknowledged to the agent once recorded). When the agent comes back after a disconnect (or
 * restarted), `reattach` picks the task up where the driver lost it: the terminal from the last
 * byte received, every result not yet collected — each result handled once, by turn. `close()`
 * ends the session when the run is over.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { FINAL_STATES, type TaskResult, type TaskSpec, type TaskStateEvent } from '../../shared/protocol/control.js';
import { RPC_ERROR, RpcError } from '../../shared/protocol/jsonrpc.js';
import type { AgentClient } from './agent-client.js';
import type { RepoSync } from './sync.js';
import type { UserRepo } from './user-repo.js';
import { attachTerm, type TermAttachment } from './term-client.js';
import { getBlob } from './blob-client.js';
import { checkInline } from '../../shared/node/inline-bundle.js';

export interface RemoteTaskDeps {
  repo: UserRepo;
  sync: RepoSync;
  workDir: string;
  onState(event: TaskStateEvent): void;
  /** A returned promise holds the terminal stream (read no more) until it resolves. */
  onOutput(chunk: Uint8Array): void | Promise<void>;
  /** A result has been reported, before its commits are fetched: the agent's slot is free from now. */
  onReported?(result: TaskResult): void;
  /** A result is in the user's repo (before the agent is told it may let it go): to record it durably. */
  onReceived?(result: TaskResult, ref: string | undefined): Promise<void>;
  /** A result, in turn order; `ref` holds its commit when it changed something. */
  onResult(result: TaskResult, ref: string | undefined): Promise<void>;
  /** The agent went away before the task's session ended (it may come back: see `reattach`). */
  onLost(error: Error): void;
  /** A result could not be collected from an agent that is still there (e.g. its bundle is bad). */
  onBroken(error: Error): void;
}

/** Where a driver that lost the task resumes it: the bytes it has, the turns it handled. */
export interface RemoteTaskProgress {
  termBytes: number;
  deliveredTurn: number;
}

export class RemoteTask {
  private readonly unsubscribe: Array<() => void> = [];
  private term: TermAttachment | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Results collected, recorded and let go of on the agent in turn order, off the path to the merge. */
  private acks: Promise<void> = Promise.resolve();
  private closed = false;
  /** Terminal bytes received so far: a re-attach continues from here. */
  private termBytes = 0;
  private reportedTurn = 0;

  /** Whether the agent has reported a result of this attempt yet. */
  get hasReported(): boolean {
    return this.reportedTurn > 0;
  }
  private deliveredTurn = 0;

  constructor(public agent: AgentClient, readonly spec: TaskSpec, private readonly deps: RemoteTaskDeps, from?: RemoteTaskProgress) {
    if (from) {
      this.termBytes = from.termBytes;
      this.reportedTurn = this.deliveredTurn = from.deliveredTurn;
    }
  }

  get progress(): RemoteTaskProgress {
    return { termBytes: this.termBytes, deliveredTurn: this.deliveredTurn };
  }

  /**
   * Starts the task, sent right behind the requests that bring the commits it needs (`synced`
   * settles once they are all there): the agent serves them in order. When bringing one failed
   * (a result passed on from another agent refused, say, and a bundle made here sent in its
   * place), the agent lacks it at the start: the start waits for `synced` and is sent again.
   */
  async start(synced: Promise<unknown>): Promise<void> {
    const { agent, spec } = this;
    this.listen(agent);
    try {
      await agent.rpc.request('task.start', spec);
    } catch (err) {
      if (!(err instanceof RpcError && err.code === RPC_ERROR.notFound)) throw err;
      await synced;
      await agent.rpc.request('task.start', spec);
    }
    await this.attach();
  }

  /**
   * Continues the task on `agent` (the same agent, connected again): listens to it, collects
   * the results it reported meanwhile, and re-attaches the terminal from the last byte received.
   * False when the agent no longer has the task.
   */
  async reattach(agent: AgentClient): Promise<boolean> {
    if (this.closed) return false;
    for (const u of this.unsubscribe.splice(0)) u();
    this.term?.close();
    this.agent = agent;
    this.listen(agent);
    const { tasks } = await agent.rpc.request('task.list', { runId: this.spec.runId });
    const mine = tasks.find((t) => t.taskId === this.spec.taskId);
    if (!mine) return false;
    this.deps.onState({ runId: mine.runId, taskId: mine.taskId, state: mine.state, at: Date.now(), detail: `re-attached on ${agent.name}` });
    for (const r of mine.results) this.reported(r);
    if (mine.logBytes > this.termBytes || !FINAL_STATES.has(mine.state)) await this.attach();
    return true;
  }

  /** Input typed for the task's session (its pane). */
  async input(data: string): Promise<void> {
    await this.term?.input(data);
  }

  /** Resizes the task's terminal on the agent. */
  async resize(cols: number, rows: number): Promise<void> {
    await this.term?.resize(cols, rows);
  }

  private listen(agent: AgentClient): void {
    const { spec, deps } = this;
    const mine = (e: { runId: string; taskId: string }): boolean => e.runId === spec.runId && e.taskId === spec.taskId;
    this.unsubscribe.push(
      agent.rpc.on('task.state', (e) => { if (mine(e)) deps.onState(e); }),
      agent.rpc.on('task.result', (r) => { if (mine(r)) this.reported(r); }),
      agent.onClose((why) => { if (!this.closed && this.agent === agent) deps.onLost(new Error(`lost agent ${agent.name}: ${why.message}`)); }),
    );
  }

  private async attach(): Promise<void> {
    const agent = this.agent;
    this.term = await attachTerm(agent, this.spec, this.termBytes, (chunk, at) => {
      // `at`, not a running count: output the agent's capped log dropped is skipped, not re-sent.
      this.termBytes = at + chunk.byteLength;
      return this.deps.onOutput(chunk);
    });
  }

  /** A result heard of (live, or listed after a re-attach): each turn once, in order. */
  private reported(heard: TaskResult): void {
    if (heard.turn <= this.reportedTurn) return;
    this.reportedTurn = heard.turn;
    // The inline bundle is for the fetch, and to pass on to other agents: what the run keeps and shows is the rest.
    const inline = heard.bundle?.inline;
    if (inline !== undefined && heard.commit) this.deps.sync.offer(heard.commit, { sha256: heard.bundle!.sha256, inline });
    const r = inline === undefined ? heard : { ...heard, bundle: { sha256: heard.bundle!.sha256, size: heard.bundle!.size } };
    this.deps.onReported?.(r);
    this.chain = this.chain.then(() => this.deliver(r, inline));
  }

  private async deliver(result: TaskResult, inline: string | undefined): Promise<void> {
    if (this.closed || result.turn <= this.deliveredTurn) return;
    const agent = this.agent;
    let ref: string | undefined;
    try {
      ref = await this.fetch(agent, result, inline);
    } catch (err) {
      // Lost with the agent: it keeps the result until acknowledged, and a re-attach lists it again.
      if (this.agent !== agent || !agent.connected) {
        this.reportedTurn = Math.min(this.reportedTurn, result.turn - 1);
        return;
      }
      return this.deps.onBroken(err as Error);
    }
    this.deliveredTurn = result.turn;
    // The merge needs only the commits, here now; pinning them, recording the result and letting the
    // agent drop it go on beside it, off the path to the next task.
    this.acks = this.acks.then(() => this.acknowledge(agent, result, ref));
    await this.deps.onResult(result, ref);
  }

  /**
   * Pins the collected result's commits on `ref` and records it, then tells the agent it may let
   * it go. Not told when any step fails (a journal that cannot be written, an agent gone): the
   * agent keeps the result, and a resumed run collects it again.
   */
  private async acknowledge(agent: AgentClient, result: TaskResult, ref: string | undefined): Promise<void> {
    try {
      if (ref) await this.deps.repo.pinResult(ref, result.commit!);
      await this.deps.onReceived?.(result, ref);
      await agent.rpc.request('task.ack', { runId: this.spec.runId, taskId: this.spec.taskId, turn: result.turn });
    } catch {
      // Nothing to undo: see above.
    }
  }

  /** The result's commits into the user's repo; the ref that is to hold them, or undefined when it changed nothing. */
  private async fetch(agent: AgentClient, result: TaskResult, inline: string | undefined): Promise<string | undefined> {
    if (!result.commit || !result.bundle) return undefined;
    if (inline !== undefined) {
      await this.deps.repo.takeResult({ bytes: checkInline(inline, result.bundle) }, result.commit);
    } else {
      const file = join(this.deps.workDir, `result-${this.spec.taskId}-${result.turn}.bundle`);
      try {
        await getBlob(agent, result.bundle.sha256, file);
        await this.deps.repo.takeResult({ file }, result.commit);
      } finally {
        await rm(file, { force: true });
      }
    }
    // The agent made it and this repo now has it: it is never sent back, and can be a prerequisite.
    this.deps.sync.learn(agent, result.commit);
    return this.deps.repo.resultRef(this.spec.runId, this.spec.taskId);
  }

  /** Ends the task's session on the agent and stops listening, once the results fetched are pinned and recorded. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe) u();
    await this.acks;
    await this.agent.rpc.request('task.close', { runId: this.spec.runId, taskId: this.spec.taskId }).catch(() => undefined);
    this.term?.close();
  }
}
