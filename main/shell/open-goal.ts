/**
 * File ▸ Open Goal…: the user picks a goal file; the window gets its name and text as the
 * `goal.opened` notification on its bridge, exactly what dropping the file on the window gives.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { dialog, type BrowserWindow } from 'electron';
import { BRIDGE_EVENTS } from '../../shared/bridge/contract.js';
import { MAX_GOAL_BYTES } from '../../shared/goal/parse.js';
import type { RpcMessage } from '../../shared/protocol/jsonrpc.js';

/** The bridge notification that hands an opened goal to the renderer. */
export const GOAL_OPENED_EVENT = 'goal.opened';

/** Whether the contract carries `goal.opened` (the page drops notifications it does not know). */
export function pageTakesOpenedGoals(): boolean {
  return (BRIDGE_EVENTS as readonly string[]).includes(GOAL_OPENED_EVENT);
}

export async function openGoal(win: BrowserWindow, deliver: (win: BrowserWindow, message: RpcMessage) => void): Promise<void> {
  const picked = await dialog.showOpenDialog(win, {
    title: 'Open Goal',
    properties: ['openFile'],
    filters: [{ name: 'Goal files', extensions: ['md', 'markdown', 'txt'] }, { name: 'All files', extensions: ['*'] }],
  });
  const path = picked.filePaths[0];
  if (picked.canceled || !path) return;
  const size = (await stat(path)).size;
  if (size > MAX_GOAL_BYTES) {
    await dialog.showMessageBox(win, { type: 'error', message: `${basename(path)} is too large for a goal`, detail: `A goal file may have at most ${MAX_GOAL_BYTES} bytes; this one has ${size}.` });
    return;
  }
  const text = await readFile(path, 'utf8');
  deliver(win, { jsonrpc: '2.0', method: GOAL_OPENED_EVENT, params: { name: basename(path), text } });
}
