/**
 * Early starts: a task waiting only on one other's result may start from it as soon as the
 * agent reports it — on that agent, which has the commit — instead of after the result has been
 * fetched, merged and synced (after several tasks, with that result merged in on the agent). On a chain of tasks that saves a fetch, a merge and a round trip per
 * link. The early task's own result waits to merge until its dependency has merged; when the
 * dependency's result does not merge as reported (a conflict, a failing verify, a failure), every
 * task started early on it is stopped and starts again the ordinary way.
 */

interface Reported {
  commit: string;
  agentId: string;
}

export class EarlyStarts {
  /** Tasks whose first result is reported but not merged yet. */
  private readonly reported = new Map<string, Reported>();
  /** Task started early → the dependency it started on. */
  private readonly startedOn = new Map<string, string>();
  /** Results of early tasks waiting for their dependency to merge. */
  private readonly held = new Map<string, () => Promise<void>>();

  /** `id` reported a result with a commit, made on `agentId`. */
  report(id: string, commit: string, agentId: string): void {
    this.reported.set(id, { commit, agentId });
  }

  /** Where a task after only `depId` may start now, if `depId` has reported and not yet merged. */
  baseFrom(depId: string): Reported | undefined {
    return this.reported.get(depId);
  }

  /** Whether some task started early (or chained) on `depId`. */
  anyOn(depId: string): boolean {
    for (const dep of this.startedOn.values()) if (dep === depId) return true;
    return false;
  }

  started(id: string, depId: string): void {
    this.startedOn.set(id, depId);
  }

  /** `id`'s early start was let go by itself (not unwound): it no longer waits on anything here. */
  forget(id: string): void {
    this.startedOn.delete(id);
    this.held.delete(id);
  }

  /** Whether `id`'s result must wait for its dependency: if so it is kept and `resume` runs once that merges. */
  hold(id: string, resume: () => Promise<void>): boolean {
    if (!this.startedOn.has(id)) return false;
    this.held.set(id, resume);
    return true;
  }

  /** `id` merged: tasks started on it are ordinary from now; returns the held results to integrate. */
  merged(id: string): Array<() => Promise<void>> {
    this.reported.delete(id);
    const resumes: Array<() => Promise<void>> = [];
    for (const [task, dep] of this.startedOn) {
      if (dep !== id) continue;
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
    for (const [task, dep] of [...this.startedOn]) {
      if (dep !== id) continue;
      this.startedOn.delete(task);
      this.held.delete(task);
      out.push(task, ...this.unwind(task));
    }
    return out;
  }
}
