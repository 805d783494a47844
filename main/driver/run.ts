/**
 * One run of a goal: validated tasks go to agents as their dependencies merge; results are
 * integrated one by one into `claudecluster/<run>` (and verified there, when the goal says how);
 * the run ends when every task has merged, failed or become blocked. A failed attempt is retried
 * after a backoff on another agent; a merge conflict becomes a resolution attempt on the
 * current head; an identical task done before reuses that result.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentClient } from './agent-client.js';
import { Integrator } from './integrator.js';
import { RepoSync } from './sync.js';
import { tasksToRetry } from './scheduler.js';
import { ResultReuse } from './reuse.js';
import { costByAgent, toReport } from './run-task.js';
import type { RunSummary } from './run-output.js';
import { RunJournal } from './run-journal.js';
import type { ResumeState } from './run-resume.js';
import { RunEngine } from './run-engine.js';
import { shortId } from '../../shared/short-id.js';

export { DEFAULT_RETRIES, DEFAULT_VERIFY_RETRIES, NO_AGENT_GRACE_MS, type RunOptions } from './run-options.js';

/** A run: `execute()` runs it to the end; the other methods are what users do to it meanwhile. */
export class Run extends RunEngine {
  async execute(): Promise<RunSummary> {
    const { runId, repo, base, runDir, out, pool } = this.opts;
    const started = Date.now();
    await mkdir(runDir, { recursive: true, mode: 0o700 });
    this.sync = new RepoSync(repo, runDir, this.starts.heads);
    // What each agent has is asked now, beside the setting up below, not on the first starts' way.
    for (const client of pool.agents) void this.sync.prepare(client);
    const resume = this.opts.resume;
    this.journal = await RunJournal.open(runDir);
    this.integrator = resume
      ? await Integrator.reopen(repo, resume.branch, resume.head, join(runDir, 'integration'))
      : await Integrator.create(repo, runId, base, join(runDir, 'integration'));
    if (!resume) await this.journal.record({ type: 'started', version: 1, runId, base, branch: this.integrator.branch, goal: this.opts.goal });
    if (!this.opts.noReuse) this.reuse = await ResultReuse.open(repo, base);
    out.runStarted({ runId, branch: this.integrator.branch, base, tasks: this.opts.goal.tasks.map((t) => ({ id: t.id, title: t.title, after: t.after })) });
    if (resume) this.resumeFrom(resume);
    if (this.integrator.undone) out.warning(`${this.integrator.branch} was at ${shortId(this.integrator.undone)}, past the last merge the run recorded: that merge was undone and is done again`);

    const done = new Promise<void>((resolve) => { this.finished = () => { this.over = true; resolve(); }; });
    const onAgent = (client: AgentClient): void => {
      void this.sync.prepare(client);
      this.recovery.agentBack(client);
      this.schedule();
    };
    pool.on('agent', onAgent);
    // Agents connected before the run began: a resumed run's tasks on them are taken up now.
    for (const client of pool.agents) this.recovery.agentBack(client);
    this.schedule();
    await done;
    pool.off('agent', onAgent);
    this.recovery.dispose();
    clearTimeout(this.noAgentTimer);
    clearTimeout(this.wakeTimer);
    await Promise.allSettled(this.tasks.map((t) => t.remote?.close()));
    await this.integrator.close();
    await this.reuse?.settled(); // Its records are for later runs: written before this one ends.
    await this.journal.record({ type: 'finished' }).catch(() => undefined);
    await this.journal.close();

    const reports = this.tasks.map(toReport);
    return {
      runId, branch: this.integrator.branch, base, elapsedMs: Date.now() - started,
      ok: reports.every((t) => t.status === 'merged'),
      costUsd: this.spent(),
      agents: costByAgent(reports),
      tasks: reports,
    };
  }

  /**
   * Cancels one task: a waiting one fails at once; one on an agent is cancelled there, and its
   * attempt's failure is final. False when the task is not one that can be cancelled now.
   */
  cancelTask(taskId: string, reason: string): boolean {
    const rt = this.tasks.find((t) => t.id === taskId);
    if (!rt || this.over) return false;
    if (rt.status === 'waiting') {
      this.update(rt, { status: 'failed', error: reason });
      this.schedule();
      return true;
    }
    if (!rt.client || !(rt.status === 'dispatching' || rt.status === 'queued' || rt.status === 'running' || rt.status === 'needs-input')) return false;
    this.cancelledTasks.add(rt.id);
    this.cancelOnAgent(rt);
    return true;
  }

  /**
   * Runs a failed or blocked task again while the run is open, with the failed and blocked
   * tasks it waits on, and the blocked tasks waiting on any of them. False when it cannot.
   */
  retryTask(taskId: string): boolean {
    const again = this.over || this.cancelled ? undefined : tasksToRetry(this.tasks, taskId);
    if (!again) return false;
    for (const t of this.tasks.filter((x) => again.has(x.id))) {
      this.cancelledTasks.delete(t.id);
      t.notBefore = undefined;
      t.resolving = undefined;
      this.update(t, { status: 'waiting', error: undefined, conflicts: undefined }, 'to be run again');
    }
    this.schedule();
    return true;
  }

  /** Resizes a task's terminal on its agent. */
  async resize(taskId: string, cols: number, rows: number): Promise<void> {
    await this.tasks.find((t) => t.id === taskId)?.remote?.resize(cols, rows);
  }

  /** When the run's scheduler gives an agent work again after failures, or undefined when it does now. */
  agentBackedOffUntil(agentId: string): number | undefined {
    return this.health.backedOffUntil(agentId);
  }

  /** Input typed into a task's pane. */
  async input(taskId: string, data: string): Promise<void> {
    await this.byId(taskId).remote?.input(data);
  }

  /** Ends a run kept open with `stayOpen` once every task is settled. */
  close(): void {
    this.closeRequested = true;
    this.schedule();
  }

  /** Stops the run: nothing new starts, running tasks are cancelled on their agents. */
  cancel(reason: string): void {
    if (this.cancelled) return;
    this.cancelled = reason;
    for (const t of this.tasks) {
      if (t.status === 'waiting') this.update(t, { status: 'failed', error: reason });
      else if (t.client && (t.status === 'running' || t.status === 'queued' || t.status === 'dispatching')) {
        this.cancelOnAgent(t);
      }
    }
    this.schedule();
  }

  /**
   * A resumed run: tasks the journal saw merge or end stay so; a result collected before the stop
   * merges now, without running again (unless it started early on a result that has not merged:
   * then it runs again); an attempt under way is taken up when its agent connects. The rest wait
   * for the scheduler as usual.
   */
  private resumeFrom(resume: ResumeState): void {
    for (const rt of this.tasks) {
      const t = resume.tasks.get(rt.id);
      if (!t) continue;
      Object.assign(rt, { attempts: t.attempts, starts: t.starts });
      if (t.status === 'merged') this.update(rt, { status: 'merged', commit: t.commit ?? null }, 'merged before the run stopped');
      else if (t.status !== 'pending') this.update(rt, { status: t.status, error: t.error }, 'ended before the run stopped');
      else if (t.attempt && !t.attempt.received) this.recovery.adopt(rt, t.attempt.agentId, t.attempt.spec, 0);
      else if (t.attempt?.received?.ok && rt.after.every((id) => resume.tasks.get(id)?.status === 'merged')) {
        const { commit, ref } = t.attempt.received;
        rt.agentTaskId = t.attempt.spec.taskId;
        if (!ref) this.update(rt, { status: 'merged', commit: null }, 'no changes to merge');
        else {
          this.update(rt, { status: 'integrating', commit }, 'collected before the run stopped');
          void this.integrate(rt, undefined, ref, false).then(() => this.schedule());
        }
      }
    }
  }
}
