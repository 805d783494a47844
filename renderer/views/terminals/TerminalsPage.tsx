/**
 * The terminals of the live run's tasks in a grid. This view stays mounted while others show,
 * so every pane keeps reading (and acknowledging) its task's output.
 */
import { useApp } from '../../app/contexts.js';
import { EmptyState } from '../../components/EmptyState.js';
import { TerminalPane } from './TerminalPane.js';

/** Columns for a given number of panes: 1, 2, then up to 3 across. */
const MAX_COLUMNS = 3;

export function TerminalsPage({ visible }: { visible: boolean }) {
  const runId = useApp((s) => s.live?.run.runId);
  const panes = useApp((s) => s.live?.panes);
  const maximized = useApp((s) => s.maximizedTaskId);
  const waiting = useApp((s) => (s.live ? Object.values(s.live.tasks).some((t) => t.status === 'needs-input') : false));
  const jump = useApp((s) => s.jumpToInput);
  const restore = useApp((s) => s.maximizePane);
  const count = panes?.length ?? 0;
  const columns = Math.min(MAX_COLUMNS, Math.max(1, Math.ceil(Math.sqrt(count))));
  const shownMaximized = maximized !== null && panes?.includes(maximized) === true;
  return (
    <div className="terminals-page" hidden={!visible} data-testid="terminals">
      {runId && count > 0 ? (
        <>
          <div className="terminals-toolbar">
            <span className="muted">{count} {count === 1 ? 'terminal' : 'terminals'} · click a pane to type into it · double-click its title to maximize</span>
            <span>
              {waiting ? <button type="button" className="attention" onClick={() => jump()}>Jump to input (Ctrl/⌘+J)</button> : null}
              {shownMaximized ? <button type="button" onClick={() => restore(null)}>Restore grid (Esc)</button> : null}
            </span>
          </div>
          <div className={shownMaximized ? 'pane-grid pane-grid-maximized' : 'pane-grid'} style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
            {panes?.map((id) => <TerminalPane key={`${runId}/${id}`} runId={runId} taskId={id} />)}
          </div>
        </>
      ) : (
        <EmptyState title="No terminals" testId="no-terminals">
          <p>Each running task shows its Claude Code terminal here, live. Start a run: drop a goal file anywhere in this window.</p>
        </EmptyState>
      )}
    </div>
  );
}
