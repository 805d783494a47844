/**
 * The run branch's heads in the order they were made, and the head each task was last merged in.
 * Every head holds all merges before it, so a task after several others may start from any head at
 * or past the last of theirs: the newest one its agent already has spares sending the branch's
 * latest head on the task's critical path. Likewise an agent holding a head holds every result
 * merged at or before it (`inHistory`).
 */
export class BranchHeads {
  /** Head → its place in the branch's order. */
  private readonly order = new Map<string, number>();
  /** Task id → the place of the head its result was (last) merged in. */
  private readonly mergedAt = new Map<string, number>();
  /** Result commit → the place of the first head that holds it. */
  private readonly commitAt = new Map<string, number>();

  /** `taskId` merged its result `commit` (none when it changed nothing): the branch is at `head`. */
  merged(taskId: string, head: string, commit?: string): void {
    if (!this.order.has(head)) this.order.set(head, this.order.size);
    const at = this.order.get(head)!;
    this.mergedAt.set(taskId, at);
    if (commit !== undefined && !this.commitAt.has(commit)) this.commitAt.set(commit, at);
  }

  /** Whether `commit` is a head, or a merged result, in the history of one of the heads in `have`. */
  inHistory(commit: string, have: Iterable<string>): boolean {
    const at = this.order.get(commit) ?? this.commitAt.get(commit);
    if (at === undefined) return false;
    for (const head of have) if ((this.order.get(head) ?? -1) >= at) return true;
    return false;
  }

  /**
   * The newest of `have` that holds every task in `ids`; undefined when none does, or when one of
   * them merged before this run kept track (a resumed run).
   */
  newestHolding(ids: readonly string[], have: Iterable<string>): string | undefined {
    let need = 0;
    for (const id of ids) {
      const at = this.mergedAt.get(id);
      if (at === undefined) return undefined;
      need = Math.max(need, at);
    }
    let best: string | undefined;
    let bestAt = need - 1;
    for (const head of have) {
      const at = this.order.get(head);
      if (at !== undefined && at > bestAt) [best, bestAt] = [head, at];
    }
    return best;
  }
}
