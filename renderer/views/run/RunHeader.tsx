/** The run at a glance: title, status, progress, elapsed time, cost, and cancel (or, once it merged every task, its pull request). */
import type { RunView, TaskView } from '../../../shared/bridge/views.js';
import { useApp } from '../../app/contexts.js';
import { formatCost, formatDuration } from '../../logic/format.js';
import { costOf, LIVE_RUN_STATUSES, progressOf } from '../../logic/task-status.js';
import { PullRequestButton, PullRequestOutcome } from './PullRequest.js';

export function RunHeader({ run, tasks, elapsedMs, readOnly }: { run: RunView; tasks: readonly TaskView[]; elapsedMs: number; readOnly: boolean }) {
  const cancelRun = useApp((s) => s.cancelRun);
  const closeRun = useApp((s) => s.closeRun);
  const progress = progressOf(tasks);
  const live = LIVE_RUN_STATUSES.has(run.status);
  return (
    <header className="run-header" data-testid="run-header" data-run-id={run.runId}>
      <div className="run-title">
        <h1>{run.goalTitle}</h1>
        <div className="muted">
          <code>{run.runId}</code> · {run.goalName} · branch <code>{run.branch}</code> from <code>{run.base}</code>
        </div>
      </div>
      <div className="run-stats">
        <span className={`status status-run-${run.status}`} data-testid="run-status" data-status={run.status}>{run.status}</span>
        <span data-testid="run-progress" title="Tasks merged into the run branch">{progress.merged}/{progress.total} merged</span>
        {progress.failed > 0 ? <span className="error-text">{progress.failed} failed or blocked</span> : null}
        <span data-testid="run-elapsed" title="Elapsed">{formatDuration(elapsedMs)}</span>
        <span data-testid="run-cost" title="Cost so far">{formatCost(costOf(run.costUsd, tasks))}</span>
        {run.status === 'ok' ? <PullRequestButton runId={run.runId} /> : null}
        {readOnly ? (
          <button type="button" data-testid="close-past-run" onClick={closeRun}>Close</button>
        ) : live ? (
          <button type="button" className="danger" data-testid="cancel-run" onClick={() => void cancelRun()}>Cancel run</button>
        ) : null}
      </div>
      <progress className="run-bar" max={Math.max(1, progress.total)} value={progress.merged} aria-label="Merged tasks" />
      <PullRequestOutcome runId={run.runId} />
    </header>
  );
}
