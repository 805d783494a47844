/**
 * Agents a run has lost touch with. An agent whose connection closed gets `timeoutMs` to come
 * back (its tasks keep running there meanwhile); after that its tasks are given up and run
 * elsewhere. Attempts given up on an agent that was not reachable are remembered as stale, so
 * that when it does come back they are cancelled there: one result per task, always.
 */

/** How long an agent may be unreachable before its tasks move elsewhere, unless the run says otherwise. */
export const DEFAULT_AGENT_TIMEOUT_MS = 15_000;

export class AgentLoss {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly since = new Map<string, number>();
  private readonly stale = new Map<string, Set<string>>();

  constructor(private readonly timeoutMs: number, private readonly expired: (agentId: string) => void) {}

  /** The agent's connection closed: its tasks wait `timeoutMs` for it. Idempotent. */
  lost(agentId: string, now = Date.now()): void {
    if (this.timers.has(agentId)) return;
    this.since.set(agentId, now);
    this.timers.set(agentId, setTimeout(() => {
      this.timers.delete(agentId);
      this.expired(agentId);
    }, this.timeoutMs));
  }

  /** When the agent was lost, if it is lost now. */
  lostSince(agentId: string): number | undefined {
    return this.timers.has(agentId) ? this.since.get(agentId) : undefined;
  }

  get timeoutSeconds(): number {
    return Math.round(this.timeoutMs / 100) / 10;
  }

  /**
   * The agent is connected again. Returns the attempts given up on it while it was away (to
   * cancel there), and whether it came back within its time.
   */
  back(agentId: string): { inTime: boolean; stale: string[] } {
    const timer = this.timers.get(agentId);
    clearTimeout(timer);
    this.timers.delete(agentId);
    const stale = [...(this.stale.get(agentId) ?? [])];
    this.stale.delete(agentId);
    return { inTime: timer !== undefined, stale };
  }

  /** An attempt was given up while its agent could not be told: cancel it there when it is back. */
  abandoned(agentId: string, agentTaskId: string): void {
    let set = this.stale.get(agentId);
    if (!set) this.stale.set(agentId, (set = new Set()));
    set.add(agentTaskId);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
