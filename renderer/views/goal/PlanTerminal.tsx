/** The planning session's terminal, watched (not typed into) while Claude Code writes the task list. */
import { useEffect, useRef } from 'react';
import { PLAN_TERM_TASK_ID } from '../../../shared/bridge/constants.js';
import { useApp, useAppStore, useBridge } from '../../app/contexts.js';
import { PaneController } from '../../terminal/pane-controller.js';
import { registerPane, unregisterPane } from '../../terminal/pane-registry.js';
import { XTERM_THEMES } from '../../terminal/xterm-theme.js';

export function PlanTerminal({ planId }: { planId: string }) {
  const store = useAppStore();
  const bridge = useBridge();
  const theme = useApp((s) => s.theme);
  const hostRef = useRef<HTMLDivElement>(null);
  const controller = useRef<PaneController | null>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const c = new PaneController(host, {
      bridge,
      runId: planId,
      taskId: PLAN_TERM_TASK_ID,
      theme: XTERM_THEMES[store.getState().theme],
      onFocus: () => undefined,
      // The plan's own answer says what went wrong; a lost terminal is not worth a notice.
      onError: () => undefined,
    });
    controller.current = c;
    const key = `${planId}/${PLAN_TERM_TASK_ID}`;
    registerPane(key, c);
    return () => {
      unregisterPane(key, c);
      controller.current = null;
      c.dispose();
    };
  }, [bridge, store, planId]);

  useEffect(() => controller.current?.setTheme(XTERM_THEMES[theme]), [theme]);

  return (
    <section className="pane plan-pane" data-testid="plan-terminal" data-plan-id={planId} aria-label="Terminal of the planning session">
      <header className="pane-header">
        <span className="status status-running">planning</span>
        <span className="pane-title">Claude Code, read-only, writing the task list</span>
      </header>
      <div className="pane-body" ref={hostRef} />
    </section>
  );
}
