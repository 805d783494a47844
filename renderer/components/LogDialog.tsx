/** A task's whole terminal log (`task.log`), as plain text. */
import { useApp } from '../app/contexts.js';
import { stripAnsi } from '../../shared/ansi.js';
import { Modal } from './Modal.js';

export function LogDialog() {
  const log = useApp((s) => s.log);
  const close = useApp((s) => s.closeLog);
  if (!log) return null;
  return (
    <Modal title={`Full log of ${log.taskId}`} testId="log-dialog" onClose={close} wide>
      {log.text === null ? (
        <p className="muted">Reading the log…</p>
      ) : (
        <>
          {log.truncated ? <p className="muted">The log is long: this is its end.</p> : null}
          <pre className="log-text" data-testid="log-text">{plainText(log.text)}</pre>
        </>
      )}
    </Modal>
  );
}

/** Control sequences (colours, cursor moves) mean nothing in a <pre>; line ends become plain. */
function plainText(text: string): string {
  return stripAnsi(text).replace(/\r\n?/g, '\n');
}
