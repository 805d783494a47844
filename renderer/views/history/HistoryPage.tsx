/** Past runs, newest first; open one to see its graph and report (read-only). */
import { useEffect } from 'react';
import { useApp } from '../../app/contexts.js';
import { EmptyState } from '../../components/EmptyState.js';
import { formatCost, formatTime } from '../../logic/format.js';

export function HistoryPage() {
  const history = useApp((s) => s.history);
  const load = useApp((s) => s.loadHistory);
  const open = useApp((s) => s.openRun);
  const liveId = useApp((s) => s.live?.run.runId);
  const setView = useApp((s) => s.setView);
  const closeRun = useApp((s) => s.closeRun);
  useEffect(() => {
    void load();
  }, [load]);
  const runs = [...history.runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return (
    <div className="page" data-testid="history">
      <h1>History</h1>
      {history.loaded && runs.length === 0 ? (
        <EmptyState title="No runs yet" testId="no-history">
          <p>Runs show here once started. Drop a goal file anywhere in this window to start one.</p>
        </EmptyState>
      ) : (
        <table className="table" aria-label="Runs">
          <thead>
            <tr><th>Goal</th><th>Status</th><th>Tasks</th><th>Started</th><th>Cost</th><th>Branch</th></tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr
                key={r.runId}
                className="clickable"
                data-testid="history-row"
                data-run-id={r.runId}
                tabIndex={0}
                onClick={() => (r.runId === liveId ? (closeRun(), setView('run')) : void open(r.runId))}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') void open(r.runId);
                }}
              >
                <td>{r.goalTitle}<div className="muted small">{r.repo}</div></td>
                <td><span className={`status status-run-${r.status}`}>{r.status}</span></td>
                <td>{r.tasks.merged}/{r.tasks.total} merged{r.tasks.failed + r.tasks.blocked > 0 ? `, ${r.tasks.failed} failed, ${r.tasks.blocked} blocked` : ''}</td>
                <td>{formatTime(r.startedAt)}</td>
                <td>{formatCost(r.costUsd)}</td>
                <td><code>{r.branch}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
