/** The prompt of a conflict-resolution attempt: what conflicts, and the work it must keep. */
import { shortId } from '../../shared/short-id.js';
export function resolutionPrompt(task: { id: string; title: string }, commit: string, conflicts: readonly string[], original: string): string {
  const files = conflicts.length > 0 ? conflicts.join(', ') : 'the files git reports';
  return [
    `Task "${task.id}: ${task.title}" was done on an older base and now conflicts with work merged since.`,
    `This worktree is at the current head of the run's branch, with that task's commit ${shortId(commit)} being merged into it;`,
    `git left conflict markers in: ${files}.`,
    'Resolve every conflict so that both sides\' changes are kept where they can be, and remove all conflict markers.',
    'Do not commit: the merge is committed for you when you are done.',
    '',
    'The original task was:',
    '',
    original,
  ].join('\n');
}
