/**
 * Terminal escape sequences: OSC (titles, ended by BEL or ST), CSI with any parameter bytes
 * (colours, cursor, private modes like `ESC[>4m`), charset selection (`ESC(B`), and the other
 * two-byte escapes (`ESC7`, `ESC=`…).
 */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()*+][ -~]|\x1b[ -~]/g;

/** `text` without terminal escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPES, '');
}

/** `text` drawn dim on a terminal: the lines the app itself writes into a task's output. */
export function dim(text: string): string {
  return `\x1b[2m${text}\x1b[0m`;
}
