/** Toasts: what the driver announces (`notice`) and calls that failed. */
import type { SliceContext } from './context.js';

export type NoticeLevel = 'info' | 'warning' | 'error';

export interface Notice {
  id: number;
  level: NoticeLevel;
  message: string;
  runId?: string;
  taskId?: string;
}

/** Toasts kept at once; the oldest goes first. */
export const MAX_NOTICES = 5;

export interface NoticesSlice {
  notices: Notice[];
  notify(level: NoticeLevel, message: string, about?: { runId?: string; taskId?: string }): void;
  dismissNotice(id: number): void;
}

export function createNoticesSlice({ set }: SliceContext): NoticesSlice {
  let nextId = 1;
  return {
    notices: [],
    notify: (level, message, about) => {
      const notice: Notice = { id: nextId++, level, message, ...about };
      set((s) => ({ notices: [...s.notices, notice].slice(-MAX_NOTICES) }));
    },
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  };
}
