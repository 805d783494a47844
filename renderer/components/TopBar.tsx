/** The window's header: the views, the run at a glance, and what needs the user. */
import { useApp } from '../app/contexts.js';
import { openGoalPicker } from '../app/goal-file.js';
import { VIEW_LABELS } from '../app/views.js';
import { VIEWS } from '../logic/shortcuts.js';

export function TopBar() {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const setHelpOpen = useApp((s) => s.setHelpOpen);
  const connection = useApp((s) => s.connection.state);
  const version = useApp((s) => s.appInfo?.version);
  return (
    <header className="topbar">
      <div className="brand">ClaudeCluster{version ? <span className="muted"> {version}</span> : null}</div>
      <nav className="tabs" role="tablist" aria-label="Views">
        {VIEWS.map((v, i) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            data-testid={`nav-${v}`}
            className={view === v ? 'tab tab-active' : 'tab'}
            title={`${VIEW_LABELS[v]} (Ctrl/⌘+${i + 1})`}
            onClick={() => setView(v)}
          >
            {VIEW_LABELS[v]}
            {v === 'terminals' ? <LiveCount /> : null}
          </button>
        ))}
      </nav>
      <div className="topbar-actions">
        <NeedsInputButton />
        <button type="button" data-testid="open-goal" onClick={openGoalPicker} title="Open a goal file (Ctrl/⌘+O)">Open goal…</button>
        <span className={`connection connection-${connection}`} data-testid="connection" data-state={connection}>{connection}</span>
        <button type="button" className="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setHelpOpen(true)}>?</button>
      </div>
    </header>
  );
}

function LiveCount() {
  const count = useApp((s) => s.live?.panes.length ?? 0);
  return count > 0 ? <span className="count">{count}</span> : null;
}

function NeedsInputButton() {
  const waiting = useApp((s) => (s.live ? Object.values(s.live.tasks).filter((t) => t.status === 'needs-input').length : 0));
  const jump = useApp((s) => s.jumpToInput);
  if (waiting === 0) return null;
  return (
    <button type="button" className="attention" data-testid="jump-to-input" onClick={() => jump()} title="Jump to the task waiting for input (Ctrl/⌘+J)">
      {waiting === 1 ? '1 task needs input' : `${waiting} tasks need input`}
    </button>
  );
}
