/**
 * How a run rides out agents that come and go, and its own restart. A task whose agent went away
 * keeps running there and waits for it (AgentLoss); when the agent is back the task is picked up
 * where it was — and so is every task a resumed run finds under way in its journal. An agent that
 * stays away too long has its tasks run elsewhere, and cancelled there if it ever returns.
 */
import type { TaskSpec } from '../../shared/protocol/control.js';
import type { AgentClient } from './agent-client.js';
import { AgentLoss } from './agent-loss.js';
import type { RemoteTask, RemoteTaskProgress } from './remote-task.js';
import type { RunTask } from './run-task.js';
import type { TaskReport } from './run-output.js';
import { termBytes } from './run-journal.js';

export interface RecoveryHost {
  readonly runId: string;
  readonly runDir: string;
  readonly tasks: readonly RunTask[];
  /** `retryNow`: the attempt was lost with its agent, so the retry needs no backoff. */
  attemptFailed(rt: RunTask, error: string, retryNow?: boolean): void;
  update(rt: RunTask, patch: Partial<TaskReport>, detail?: string): void;
  /** A RemoteTask for `rt`'s attempt `spec` on `agent`, wired to the run like a fresh dispatch. */
  remoteFor(rt: RunTask, agent: AgentClient, spec: TaskSpec, from?: RemoteTaskProgress): RemoteTask;
}

/** An attempt a resumed run found under way: it is taken up when its agent connects. */
interface Orphan {
  agentId: string;
  spec: TaskSpec;
  deliveredTurn: number;
}

export class RunRecovery {
  private readonly loss: AgentLoss;
  private readonly orphans = new Map<RunTask, Orphan>();

  constructor(private readonly host: RecoveryHost, timeoutMs: number) {
    this.loss = new AgentLoss(timeoutMs, (id) => this.expired(id));
  }

  /** The task's agent went away: the task keeps running there, and waits for it a while. */
  taskLost(rt: RunTask, agentId: string, err: Error): void {
    this.loss.lost(agentId);
    if (isActive(rt)) this.host.update(rt, {}, `${err.message}; it keeps running there, and moves to another agent if that one is not back within ${this.loss.timeoutSeconds} s`);
  }

  /** An attempt let go while its agent could not be told: it is cancelled there once the agent is back. */
  dropped(remote: RemoteTask): void {
    if (!remote.agent.connected) this.loss.abandoned(remote.agent.peerId.toString(), remote.spec.taskId);
  }

  /** A resumed run's attempt under way on `agentId`: picked up when that agent connects, or moved after the timeout. */
  adopt(rt: RunTask, agentId: string, spec: TaskSpec, deliveredTurn: number): void {
    this.orphans.set(rt, { agentId, spec, deliveredTurn });
    this.loss.lost(agentId);
    this.host.update(rt, { status: 'running' }, `the run resumed: waiting for its agent to re-attach (up to ${this.loss.timeoutSeconds} s)`);
  }

  /**
   * An agent (re)connected. Attempts given up on it meanwhile are cancelled there; tasks waiting
   * for it continue: results it reported meanwhile are collected, terminals re-attached.
   */
  agentBack(client: AgentClient): void {
    const agentId = client.peerId.toString();
    const { stale } = this.loss.back(agentId);
    for (const taskId of stale) void client.rpc.request('task.cancel', { runId: this.host.runId, taskId }).catch(() => undefined);
    for (const rt of this.host.tasks) {
      const remote = rt.remote;
      if (remote && !remote.agent.connected && remote.agent.peerId.toString() === agentId) this.reattach(rt, remote, client);
    }
    for (const [rt, orphan] of [...this.orphans]) {
      if (orphan.agentId !== agentId) continue;
      this.orphans.delete(rt);
      void termBytes(this.host.runDir, orphan.spec.taskId).then((bytes) => {
        const remote = this.host.remoteFor(rt, client, orphan.spec, { termBytes: bytes, deliveredTurn: orphan.deliveredTurn });
        rt.remote = remote;
        rt.agentTaskId = orphan.spec.taskId;
        this.reattach(rt, remote, client);
      });
    }
  }

  dispose(): void {
    this.loss.dispose();
  }

  private reattach(rt: RunTask, remote: RemoteTask, client: AgentClient): void {
    rt.client = client;
    remote.reattach(client).then(
      (found) => { if (!found && rt.remote === remote) this.host.attemptFailed(rt, `agent ${client.name} does not have the task any more`); },
      (err: Error) => { if (rt.remote === remote && client.connected) this.host.attemptFailed(rt, `re-attaching on ${client.name}: ${err.message}`); },
    );
    if (isActive(rt)) this.host.update(rt, { agent: client.name }, `agent ${client.name} is back: re-attaching`);
  }

  /** An agent stayed away too long: its tasks run elsewhere (if it comes back, they are cancelled there). */
  private expired(agentId: string): void {
    const why = `its agent was unreachable for ${this.loss.timeoutSeconds} s`;
    for (const rt of this.host.tasks) {
      const remote = rt.remote;
      if (!remote || remote.agent.connected || remote.agent.peerId.toString() !== agentId || !isActive(rt)) continue;
      this.host.attemptFailed(rt, why, true);
    }
    for (const [rt, orphan] of [...this.orphans]) {
      if (orphan.agentId !== agentId) continue;
      this.orphans.delete(rt);
      this.loss.abandoned(agentId, orphan.spec.taskId);
      this.host.attemptFailed(rt, why, true);
    }
  }
}

/** A task whose attempt is under way on an agent (not yet reported, merged or given up). */
export function isActive(rt: RunTask): boolean {
  return rt.status === 'dispatching' || rt.status === 'queued' || rt.status === 'running' || rt.status === 'needs-input';
}
