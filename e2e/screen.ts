/**
 * What a terminal shows for some output: a TUI draws with cursor moves, so its raw bytes are not
 * its text. Tests read the screen through a real terminal emulator (xterm's headless build).
 */
import xterm from '@xterm/headless';
import { DEFAULT_COLS, DEFAULT_ROWS } from '../agent/pty-process.js';

/** Every line of the screen and scrollback after writing `data`, trailing spaces trimmed. */
export async function screenLines(data: string | Uint8Array, cols = DEFAULT_COLS, rows = DEFAULT_ROWS): Promise<string[]> {
  const term = new xterm.Terminal({ cols, rows, scrollback: 10_000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(data, resolve));
  const lines: string[] = [];
  for (let i = 0; i < term.buffer.active.length; i++) lines.push(term.buffer.active.getLine(i)?.translateToString(true) ?? '');
  term.dispose();
  return lines;
}
