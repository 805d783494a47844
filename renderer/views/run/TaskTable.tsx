/** The run's tasks as rows (the graph's accessible twin), with cancel and retry per task. */
import type { TaskView } from '../../../shared/bridge/views.js';
import { useApp } from '../../app/contexts.js';
import { formatCost, formatDuration } from '../../logic/format.js';
import { canCancel, canRetry } from '../../logic/task-status.js';

export function TaskTable({ tasks, details, selectedId, readOnly }: { tasks: readonly TaskView[]; details: Record<string, string>; selectedId: string | null; readOnly: boolean }) {
  const select = useApp((s) => s.selectTask);
  const cancel = useApp((s) => s.cancelTask);
  const retry = useApp((s) => s.retryTask);
  return (
    <table className="table task-table" aria-label="Tasks">
      <thead>
        <tr><th>Task</th><th>Status</th><th>Agent</th><th>Attempts</th><th>Time</th><th>Cost</th>{readOnly ? null : <th />}</tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t.id} data-testid="task-row" data-task-id={t.id} data-status={t.status} className={t.id === selectedId ? 'row-selected' : undefined} onClick={() => select(t.id)}>
            <td><code>{t.id}</code> {t.title}</td>
            <td>
              <span className={`status status-${t.status}`}>{t.status}</span>
              {details[t.id] ? <div className="muted small">{details[t.id]}</div> : null}
            </td>
            <td>{t.agent ?? '—'}</td>
            <td>{t.attempts ?? '—'}</td>
            <td>{t.durationMs === undefined ? '—' : formatDuration(t.durationMs)}</td>
            <td>{t.costUsd === undefined ? '—' : formatCost(t.costUsd)}</td>
            {readOnly ? null : (
              <td className="row-actions" onClick={(e) => e.stopPropagation()}>
                {canCancel(t.status) ? <button type="button" className="small-button" aria-label={`Cancel task ${t.id}`} onClick={() => void cancel(t.id)}>Cancel</button> : null}
                {canRetry(t.status) ? <button type="button" className="small-button" aria-label={`Retry task ${t.id}`} onClick={() => void retry(t.id)}>Retry</button> : null}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
