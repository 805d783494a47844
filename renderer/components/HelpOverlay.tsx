/** The keyboard shortcuts, from the same table the handler uses. */
import { useApp } from '../app/contexts.js';
import { isMac } from '../app/focus.js';
import { SHORTCUT_HELP } from '../logic/shortcuts.js';
import { Modal } from './Modal.js';

export function HelpOverlay() {
  const open = useApp((s) => s.helpOpen);
  const setOpen = useApp((s) => s.setHelpOpen);
  if (!open) return null;
  const mod = isMac() ? '⌘' : 'Ctrl';
  return (
    <Modal title="Keyboard shortcuts" testId="help-overlay" onClose={() => setOpen(false)}>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUT_HELP.map((s) => (
            <tr key={s.keys}>
              <td><kbd>{s.keys.replace('mod', mod)}</kbd></td>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">In a focused terminal, Ctrl keys go to Claude Code; only {mod}+1…5 and, when another task waits for input, {mod}+J are taken.</p>
    </Modal>
  );
}
