/**
 * Early starts: a task whose unmerged dependencies have all reported a result may start from
 * them as soon as they are reported — on an agent that made one, which has that commit — instead
 * of after they have been fetched, merged and synced (after one task, from its result; after
 * several, from a branch head with the results merged in on the agent). On a chain of tasks that
 * saves a fetch, a merge and a round trip per link; at a join, the wait for the last merges and
 * the head they make. The early task's own result waits to merge until every dependency it
 * started on has merged; when one of those results does not merge as reported (a conflict, a
 * failing verify, a failure), every task started early on it is stopped and starts again the
 * ordinary way.
 */

export interface Reported {
  commit: string;
  agentId: string;
}

export class EarlyStarts {
  /** Tasks whose first result is reported but not merged yet. */
  private readonly reported = new Map<string, Reported>();
  /** Task started early (or chained) → the dependencies it started on that have not merged yet. */
  private readonly startedOn = new Map<string, Set<string>>();
  /** Results of early tasks waiting for their dependencies to merge. */
  private readonly held = new Map<string, () => Promise<void>>();

  /** `id` reported a result with a commit, made on `agentId`. */
  report(id: string, commit: string, agentId: string): void {
    this.reported.set(id, { commit, agentId });
  }

  /** Where a task after `depId` may start now, if `depId` has reported and not yet merged. */
  baseFrom(depId: string): Reported | undefined {
    return this.reported.get(depId);
  }

  /** Whether some task started early (or chained) on `depId`. */
  anyOn(depId: string): boolean {
    for (const deps of this.startedOn.values()) if (deps.has(depId)) return true;
    return false;
  }

  started(id: string, depIds: readonly string[]): void {
    this.startedOn.set(id, new Set(depIds));
  }

  /** The dependencies `id` started on that have not merged yet. */
  waitsOn(id: string): string[] {
    return [...(this.startedOn.get(id) ?? [])];
  }

  /** `id`'s early start was let go by itself (not unwound): it no longer waits on anything here. */
  forget(id: string): void {
    this.startedOn.delete(id);
    this.held.delete(id);
  }

  /** Whether `id`'s result must wait for its dependencies: if so it is kept and `resume` runs once the last of them merges. */
  hold(id: string, resume: () => Promise<void>): boolean {
    if (!this.startedOn.has(id)) return false;
    this.held.set(id, resume);
    return true;
  }

  /** `id` merged: tasks started on it alone are ordinary from now; returns the held results to integrate. */
  merged(id: string): Array<() => Promise<void>> {
    this.reported.delete(id);
    const resumes: Array<() => Promise<void>> = [];
    for (const [task, deps] of this.startedOn) {
      if (!deps.delete(id) || deps.size > 0) continue;
      this.startedOn.delete(task);
      const resume = this.held.get(task);
      this.held.delete(task);
      if (resume) resumes.push(resume);
    }
    return resumes;
  }

  /**
   * `id`'s reported result will not merge as it was: the tasks started early on it, and on those,
   * which must be stopped and started again. Their state here is cleared.
   */
  unwind(id: string): string[] {
    if (!this.reported.delete(id)) return [];
    const out: string[] = [];
    for (const [task, deps] of [...this.startedOn]) {
      if (!deps.has(id)) continue;
      this.startedOn.delete(task);
      this.held.delete(task);
      out.push(task, ...this.unwind(task));
    }
    return out;
  }
}
