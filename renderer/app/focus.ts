/** Where the keyboard is: a terminal pane, a text field, or the page. */

/** The attribute every terminal pane carries; its value is the task id. */
export const PANE_TASK_ATTR = 'data-task-id';
export const PANE_SELECTOR = '[data-testid="terminal-pane"]';

export function terminalPaneOf(el: Element | null): string | null {
  const pane = el?.closest('.xterm') ? el.closest(PANE_SELECTOR) : null;
  return pane?.getAttribute(PANE_TASK_ATTR) ?? null;
}

export function isTextField(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset', 'file'].includes(el.type);
  return el instanceof HTMLElement && el.isContentEditable;
}

export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.userAgent);
}
