/** Past runs: the list, and one run opened read-only with its report. */
import type { RunListItem, RunView } from '../../shared/bridge/views.js';
import type { SliceContext } from './context.js';

export interface HistorySlice {
  history: { runs: RunListItem[]; loaded: boolean; opened: RunView | null };
  loadHistory(): Promise<void>;
  openRun(runId: string): Promise<void>;
  closeRun(): void;
}

export function createHistorySlice({ bridge, set, fail }: SliceContext): HistorySlice {
  return {
    history: { runs: [], loaded: false, opened: null },
    loadHistory: async () => {
      try {
        const { runs } = await bridge.call('runs.list', {});
        set((s) => ({ history: { ...s.history, runs, loaded: true } }));
      } catch (err) {
        fail('Could not list the runs', err);
      }
    },
    openRun: async (runId) => {
      try {
        const run = await bridge.call('run.get', { runId });
        set((s) => ({ history: { ...s.history, opened: run }, view: 'run', selectedTaskId: null }));
      } catch (err) {
        fail(`Could not open run ${runId}`, err);
      }
    },
    closeRun: () => set((s) => ({ history: { ...s.history, opened: null }, selectedTaskId: null })),
  };
}
