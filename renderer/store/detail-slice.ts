/** The selected task's detail: diffs, prompt, transcript, verify output. Read when asked for. */
import type { TaskDetail } from '../../shared/bridge/views.js';
import { messageOf, type SliceContext } from './context.js';

export interface DetailState {
  runId: string;
  taskId: string;
  data: TaskDetail | null;
  error: string | null;
}

export interface DetailSlice {
  detail: DetailState | null;
  loadTaskDetail(runId: string, taskId: string): Promise<void>;
  clearTaskDetail(): void;
}

export function createDetailSlice({ bridge, set, get }: SliceContext): DetailSlice {
  const isCurrent = (runId: string, taskId: string): boolean => get().detail?.runId === runId && get().detail?.taskId === taskId;
  return {
    detail: null,
    loadTaskDetail: async (runId, taskId) => {
      // Keep what is shown while a refresh of the same task is read.
      if (!isCurrent(runId, taskId)) set({ detail: { runId, taskId, data: null, error: null } });
      try {
        const data = await bridge.call('task.detail', { runId, taskId });
        if (isCurrent(runId, taskId)) set({ detail: { runId, taskId, data, error: null } });
      } catch (err) {
        if (isCurrent(runId, taskId)) set({ detail: { runId, taskId, data: null, error: messageOf(err) } });
      }
    },
    clearTaskDetail: () => set({ detail: null }),
  };
}
