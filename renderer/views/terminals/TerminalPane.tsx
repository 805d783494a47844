/** One task's live terminal, labelled with the task and its agent. */
import { useEffect, useRef } from 'react';
import { useApp, useAppStore, useBridge } from '../../app/contexts.js';
import { isActive } from '../../logic/task-status.js';
import { PaneController } from '../../terminal/pane-controller.js';
import { registerPane, unregisterPane } from '../../terminal/pane-registry.js';
import { XTERM_THEMES } from '../../terminal/xterm-theme.js';

export function TerminalPane({ runId, taskId }: { runId: string; taskId: string }) {
  const store = useAppStore();
  const bridge = useBridge();
  const task = useApp((s) => s.live?.tasks[taskId]);
  const focusRequest = useApp((s) => (s.focusedTaskId === taskId ? s.focusRequest : -1));
  const focused = useApp((s) => s.focusedTaskId === taskId);
  const maximized = useApp((s) => s.maximizedTaskId === taskId);
  const theme = useApp((s) => s.theme);
  const maximize = useApp((s) => s.maximizePane);
  const openLog = useApp((s) => s.openLog);
  const dismiss = useApp((s) => s.dismissPane);
  const hostRef = useRef<HTMLDivElement>(null);
  const paneRef = useRef<HTMLElement>(null);
  const controller = useRef<PaneController | null>(null);
  const active = task ? isActive(task.status) : false;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const c = new PaneController(host, {
      bridge,
      runId,
      taskId,
      theme: XTERM_THEMES[store.getState().theme],
      onFocus: () => store.getState().paneFocused(taskId),
      onError: (message) => {
        if (store.getState().connection.state !== 'disconnected') store.getState().notify('error', message, { taskId });
      },
    });
    controller.current = c;
    registerPane(taskId, c);
    return () => {
      unregisterPane(taskId, c);
      controller.current = null;
      c.dispose();
    };
  }, [bridge, store, runId, taskId]);

  useEffect(() => controller.current?.setTheme(XTERM_THEMES[theme]), [theme]);
  useEffect(() => controller.current?.setAcceptsInput(active), [active]);
  useEffect(() => {
    if (focusRequest < 0) return;
    paneRef.current?.scrollIntoView({ block: 'nearest' });
    controller.current?.focus();
  }, [focusRequest]);

  const status = task?.status ?? 'waiting';
  const needsInput = status === 'needs-input';
  const classes = ['pane', focused ? 'pane-focused' : '', maximized ? 'pane-maximized' : '', needsInput ? 'pane-needs-input' : ''].filter(Boolean).join(' ');
  return (
    <section
      ref={paneRef}
      className={classes}
      data-testid="terminal-pane"
      data-task-id={taskId}
      data-status={status}
      data-needs-input={needsInput ? 'true' : 'false'}
      aria-label={`Terminal of task ${taskId}`}
    >
      <header className="pane-header" onDoubleClick={() => maximize(maximized ? null : taskId)} title="Double-click to maximize or restore">
        <span className={`status status-${status}`}>{status}</span>
        <span className="pane-title"><code>{taskId}</code> {task?.title}</span>
        <span className="muted pane-agent">{task?.agent ? `on ${task.agent}` : ''}</span>
        <span className="pane-buttons">
          <button type="button" className="small-button" data-testid="pane-log" onClick={() => void openLog(taskId)}>Full log</button>
          <button type="button" className="small-button" data-testid="pane-maximize" aria-pressed={maximized} onClick={() => maximize(maximized ? null : taskId)}>{maximized ? 'Restore' : 'Maximize'}</button>
          {active ? null : <button type="button" className="small-button" data-testid="pane-dismiss" aria-label={`Dismiss the terminal of ${taskId}`} onClick={() => dismiss(taskId)}>×</button>}
        </span>
      </header>
      <div className="pane-body" ref={hostRef} />
    </section>
  );
}
