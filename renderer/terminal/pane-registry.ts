/**
 * The live panes by task id, exposed as `window.__ccPanes` so end-to-end tests can read what a
 * terminal shows (`window.__ccPanes?.get(taskId)?.buffer()`) instead of scraping the canvas.
 */

export interface PaneHandle {
  runId: string;
  /** The text of the pane's active buffer, scrollback included; wrapped rows are joined. */
  buffer(): string;
  focus(): void;
}

declare global {
  interface Window {
    __ccPanes?: Map<string, PaneHandle>;
  }
}

export function registerPane(taskId: string, handle: PaneHandle): void {
  (window.__ccPanes ??= new Map()).set(taskId, handle);
}

export function unregisterPane(taskId: string, handle: PaneHandle): void {
  if (window.__ccPanes?.get(taskId) === handle) window.__ccPanes.delete(taskId);
}
