/** What the user is looking at: the view, the selected task, the focused and maximized pane, dialogs. */
import type { View } from '../logic/shortcuts.js';
import type { SliceContext } from './context.js';
import { tasksOf } from './run-slice.js';

export interface LogDialog {
  runId: string;
  taskId: string;
  text: string | null;
  truncated: boolean;
}

export interface UiSlice {
  view: View;
  /** The task whose detail is open. */
  selectedTaskId: string | null;
  /** The pane that has (or should take) the keyboard. */
  focusedTaskId: string | null;
  /** Bumped on every request to focus a pane, so asking for the same pane again still focuses it. */
  focusRequest: number;
  maximizedTaskId: string | null;
  helpOpen: boolean;
  log: LogDialog | null;
  /** The theme in effect: the setting, or the OS's when the setting is `system`. */
  theme: 'light' | 'dark';
  setTheme(theme: 'light' | 'dark'): void;
  setView(view: View): void;
  selectTask(taskId: string | null): void;
  focusPane(taskId: string): void;
  /** A pane took the keyboard by itself (a click): note it without asking it to focus again. */
  paneFocused(taskId: string): void;
  maximizePane(taskId: string | null): void;
  setHelpOpen(open: boolean): void;
  /** Opens the whole terminal log of a task (the panes keep only a capped scrollback). */
  openLog(taskId: string): Promise<void>;
  closeLog(): void;
  /** Brings the next task waiting for input to the front; returns its id, or null when none waits. */
  jumpToInput(): string | null;
}

export function createUiSlice({ bridge, set, get, fail }: SliceContext): UiSlice {
  return {
    view: 'run',
    selectedTaskId: null,
    focusedTaskId: null,
    focusRequest: 0,
    maximizedTaskId: null,
    helpOpen: false,
    log: null,
    theme: 'light',
    setTheme: (theme) => set({ theme }),
    setView: (view) => set({ view }),
    selectTask: (selectedTaskId) => set({ selectedTaskId }),
    focusPane: (taskId) => set((s) => ({ focusedTaskId: taskId, focusRequest: s.focusRequest + 1 })),
    paneFocused: (taskId) => {
      if (get().focusedTaskId !== taskId) set({ focusedTaskId: taskId });
    },
    maximizePane: (maximizedTaskId) => set({ maximizedTaskId }),
    setHelpOpen: (helpOpen) => set({ helpOpen }),
    openLog: async (taskId) => {
      const live = get().live;
      if (!live) return;
      const runId = live.run.runId;
      set({ log: { runId, taskId, text: null, truncated: false } });
      try {
        const { text, truncated } = await bridge.call('task.log', { runId, taskId });
        // Only fill the dialog still open for this task.
        if (get().log?.taskId === taskId) set({ log: { runId, taskId, text, truncated } });
      } catch (err) {
        set({ log: null });
        fail(`Could not read the log of task ${taskId}`, err);
      }
    },
    closeLog: () => set({ log: null }),
    jumpToInput: () => {
      const s = get();
      if (!s.live) return null;
      const waiting = tasksOf(s.live).filter((t) => t.status === 'needs-input').map((t) => t.id);
      if (waiting.length === 0) return null;
      // Cycle: the one after the focused pane, so pressing again visits each in turn.
      const after = s.focusedTaskId ? waiting.indexOf(s.focusedTaskId) : -1;
      const next = waiting[(after + 1) % waiting.length] ?? null;
      if (!next) return null;
      set((st) => ({
        view: 'terminals',
        focusedTaskId: next,
        focusRequest: st.focusRequest + 1,
        // A maximized pane hides the others: the waiting one takes its place.
        maximizedTaskId: st.maximizedTaskId === null ? null : next,
      }));
      return next;
    },
  };
}
