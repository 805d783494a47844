/** The window's keyboard shortcuts (see logic/shortcuts.ts for the table and the rules). */
import { useEffect } from 'react';
import { shortcutFor, type ShortcutAction } from '../logic/shortcuts.js';
import type { AppState } from '../store/app-store.js';
import { tasksOf } from '../store/run-slice.js';
import { useAppStore } from './contexts.js';
import { isMac, isTextField, terminalPaneOf } from './focus.js';
import { openGoalPicker } from './goal-file.js';

export function useShortcuts(): void {
  const store = useAppStore();
  useEffect(() => {
    const mac = isMac();
    const onKey = (ev: KeyboardEvent): void => {
      const s = store.getState();
      const active = document.activeElement;
      const pane = terminalPaneOf(active);
      const waiting = s.live ? tasksOf(s.live).filter((t) => t.status === 'needs-input' && t.id !== pane) : [];
      const action = shortcutFor(ev, {
        mac,
        inTerminal: pane !== null,
        inTextField: pane === null && isTextField(active),
        otherNeedsInput: waiting.length > 0,
        overlayOpen: s.helpOpen || s.log !== null || (s.view === 'run' && s.selectedTaskId !== null),
        maximized: s.view === 'terminals' && s.maximizedTaskId !== null,
      });
      if (!action) return;
      // Taken before the terminal or the browser sees it (Ctrl+O would open the browser's picker).
      ev.preventDefault();
      ev.stopPropagation();
      perform(action, s);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [store]);
}

function perform(action: ShortcutAction, s: AppState): void {
  switch (action.type) {
    case 'open-goal':
      openGoalPicker();
      return;
    case 'start-run':
      void s.startRun();
      return;
    case 'jump-to-input':
      if (s.jumpToInput() === null) s.notify('info', 'No task is waiting for input.');
      return;
    case 'restore-pane':
      s.maximizePane(null);
      return;
    case 'close-overlay':
      if (s.helpOpen) s.setHelpOpen(false);
      else if (s.log) s.closeLog();
      else s.selectTask(null);
      return;
    case 'help':
      s.setHelpOpen(true);
      return;
    case 'view':
      s.setView(action.view);
      return;
  }
}
