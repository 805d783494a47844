/**
 * The slots a run's tasks hold on their agents, as the driver counts them: an attempt takes one
 * when it is sent (a chained start when its dependency frees one, see `pass`) and gives it back
 * with its first result, so the agent can start another task meanwhile.
 */
import type { RunTask } from './run-task.js';

export class AgentSlots {
  private readonly held = new Map<string, number>();

  /** Slots the run's tasks hold on the agent now (queued tasks included). */
  of(agentId: string): number {
    return this.held.get(agentId) ?? 0;
  }

  /** Whether any task holds a slot anywhere. */
  get busy(): boolean {
    return [...this.held.values()].some((n) => n > 0);
  }

  take(rt: RunTask, agentId: string): void {
    this.held.set(agentId, this.of(agentId) + 1);
    rt.holdsSlot = true;
  }

  /** Gives back `rt`'s slot if it holds one; false when it held none. */
  release(rt: RunTask): boolean {
    if (!rt.holdsSlot || !rt.client) return false;
    rt.holdsSlot = false;
    this.held.set(rt.client.peerId.toString(), Math.max(0, this.of(rt.client.peerId.toString()) - 1));
    return true;
  }

  /** `from`'s slot goes to `to`, on the same agent: the task chained after it has started there in it. */
  pass(from: RunTask, to: RunTask): boolean {
    if (!from.holdsSlot || to.holdsSlot || from.client !== to.client) return false;
    from.holdsSlot = false;
    to.holdsSlot = true;
    return true;
  }
}
