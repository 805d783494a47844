/** Notices in the corner; information fades by itself, warnings and errors wait to be closed. */
import { useEffect } from 'react';
import { useApp } from '../app/contexts.js';
import type { Notice } from '../store/notices-slice.js';

/** How long an information notice stays. */
export const INFO_NOTICE_MS = 6000;

export function Toasts() {
  const notices = useApp((s) => s.notices);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {notices.map((n) => <Toast key={n.id} notice={n} />)}
    </div>
  );
}

function Toast({ notice }: { notice: Notice }) {
  const dismiss = useApp((s) => s.dismissNotice);
  useEffect(() => {
    if (notice.level !== 'info') return;
    const timer = window.setTimeout(() => dismiss(notice.id), INFO_NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [notice, dismiss]);
  return (
    <div className={`toast toast-${notice.level}`} data-testid="notice" data-level={notice.level}>
      <span className="toast-message">
        {notice.taskId ? <strong>{notice.taskId}: </strong> : null}
        {notice.message}
      </span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>×</button>
    </div>
  );
}
