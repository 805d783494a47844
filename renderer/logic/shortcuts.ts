/**
 * Keyboard shortcuts: one table for the handler and the help overlay. A focused terminal keeps
 * its keys (Claude Code uses Esc, Ctrl+O, Ctrl+J…), so there only view switching, and the jump
 * to another task that waits for input, are taken; on macOS ⌘ never reaches a terminal anyway.
 */

export const VIEWS = ['run', 'terminals', 'agents', 'history', 'settings'] as const;
export type View = (typeof VIEWS)[number];

export type ShortcutAction =
  | { type: 'open-goal' }
  | { type: 'start-run' }
  | { type: 'jump-to-input' }
  | { type: 'restore-pane' }
  | { type: 'close-overlay' }
  | { type: 'help' }
  | { type: 'view'; view: View };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export interface KeyContext {
  mac: boolean;
  /** Focus is in a terminal pane. */
  inTerminal: boolean;
  /** Focus is in a text field (typing `?` there is text). */
  inTextField: boolean;
  /** A task other than the focused pane's is waiting for input. */
  otherNeedsInput: boolean;
  /** The help overlay or a log or detail dialog is open. */
  overlayOpen: boolean;
  /** A terminal pane fills the terminals view. */
  maximized: boolean;
}

/** What the help overlay lists, in order; `mod` reads Ctrl, or ⌘ on macOS. */
export const SHORTCUT_HELP: readonly { keys: string; does: string }[] = [
  { keys: 'mod+O', does: 'Open a goal file' },
  { keys: 'mod+Enter', does: 'Start the run of the reviewed goal' },
  { keys: 'mod+J', does: 'Jump to the next task waiting for input' },
  ...VIEWS.map((view, i) => ({ keys: `mod+${i + 1}`, does: `Show ${view}` })),
  { keys: 'Esc', does: 'Close a dialog, or restore a maximized pane (outside a terminal)' },
  { keys: '?', does: 'Show this help' },
];

export function shortcutFor(ev: KeyLike, ctx: KeyContext): ShortcutAction | undefined {
  const mod = ctx.mac ? ev.metaKey : ev.ctrlKey;
  // A terminal keeps Ctrl combinations off macOS; ⌘ is never terminal input.
  const terminalKeeps = ctx.inTerminal && !ctx.mac;
  if (mod && !ev.altKey) {
    const digit = Number.parseInt(ev.key, 10);
    const view = VIEWS[digit - 1];
    if (!ev.shiftKey && view && String(digit) === ev.key) return { type: 'view', view };
    const key = ev.key.toLowerCase();
    if (key === 'j' && !ev.shiftKey && (!terminalKeeps || ctx.otherNeedsInput)) return { type: 'jump-to-input' };
    if (terminalKeeps) return undefined;
    if (key === 'o' && !ev.shiftKey) return { type: 'open-goal' };
    if (ev.key === 'Enter') return { type: 'start-run' };
    return undefined;
  }
  if (ev.key === 'Escape' && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    if (ctx.overlayOpen) return { type: 'close-overlay' };
    if (ctx.maximized && !ctx.inTerminal) return { type: 'restore-pane' };
    return undefined;
  }
  if (ev.key === '?' && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !ctx.inTextField && !ctx.inTerminal) return { type: 'help' };
  return undefined;
}
