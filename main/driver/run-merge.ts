/**
 * The merge step of a run: a task's result merged (and verified) on the run branch. A failing
 * verify goes back to the task's session as a follow-up turn (up to the goal's verify retries);
 * a conflict turns the task into a resolution attempt on the current head (up to
 * MAX_RESOLUTIONS); what cannot be fixed fails the attempt.
 */
import type { Goal } from '../../shared/goal/types.js';
import { lastLines } from '../../shared/lines.js';
import type { Integrator } from './integrator.js';
import type { RemoteTask } from './remote-task.js';
import type { RunTask } from './run-task.js';
import type { TaskReport } from './run-output.js';

/** Resolution attempts for one task's merge conflicts. */
export const MAX_RESOLUTIONS = 2;

/** What the merge step needs of its run. */
export interface MergeSteps {
  goal: Goal;
  runId: string;
  integrator: Integrator;
  verifyRetries: number;
  update(rt: RunTask, patch: Partial<TaskReport>, detail?: string): void;
  attemptFailed(rt: RunTask, error: string): void;
  /** The result is on the branch, which is now at `head`. */
  merged(rt: RunTask, head: string): void;
}

/** Merges (and verifies) a result; a conflict becomes a resolution attempt, a failing verify a follow-up turn. */
export async function integrate(s: MergeSteps, rt: RunTask, remote: RemoteTask | undefined, ref: string, followUp: boolean): Promise<void> {
  const { goal } = s;
  const message = rt.resolving ? `Merge task ${rt.id} (conflicts resolved): ${rt.title}` : followUp ? `Merge task ${rt.id} (turn ${rt.turns}): ${rt.title}` : `Merge task ${rt.id}: ${rt.title}`;
  const verify = goal.verify ? { command: goal.verify, ...(goal.setup ? { setup: goal.setup } : {}) } : undefined;
  const merge = await s.integrator.merge(ref, message, verify, rt.commit && rt.base ? { commit: rt.commit, base: rt.base } : undefined);
  if (merge.ok) {
    s.update(rt, { status: 'merged', ...(goal.verify ? { verify: 'passed' as const } : {}) }, rt.resolving ? 'conflicts resolved' : followUp ? `turn ${rt.turns} re-integrated` : undefined);
    s.merged(rt, merge.head);
    return;
  }
  if ('verifyFailed' in merge) {
    const problem = `the verify command \`${goal.verify}\` failed on the run's branch after merging this task (exit ${merge.exitCode ?? 'signal'})`;
    if (remote && rt.verifyFollowUps < s.verifyRetries) {
      rt.verifyFollowUps++;
      const text = `${problem}. Please fix it.\nIts output ended with:\n${merge.tail}`;
      const { accepted } = await rt.client!.rpc.request('task.followUp', { runId: s.runId, taskId: rt.agentTaskId ?? rt.id, text }).catch(() => ({ accepted: false }));
      if (accepted) {
        s.update(rt, { status: 'running', verify: 'failed' }, `${problem}: follow-up ${rt.verifyFollowUps} of ${s.verifyRetries}`);
        return;
      }
    }
    s.update(rt, { verify: 'failed' });
    return s.attemptFailed(rt, `${problem}: ${lastLines(merge.tail)}`);
  }
  const count = (rt.resolving?.count ?? 0) + 1;
  if (count > MAX_RESOLUTIONS || !rt.commit) {
    s.update(rt, { status: 'failed', conflicts: merge.conflicts, error: `merge conflict in ${merge.conflicts.join(', ') || 'the result'}: ${merge.message}` });
    return;
  }
  // The conflicting result is replaced by a resolution made on the current head.
  rt.resolving = { commit: rt.commit, conflicts: merge.conflicts, count };
  rt.remote = undefined;
  void remote?.close();
  s.update(rt, { status: 'waiting', conflicts: merge.conflicts }, `merge conflict in ${merge.conflicts.join(', ')}: a resolution on the current head replaces it`);
}
