/**
 * Who may talk on the bridge's IPC channel: only the top frame of one of our own windows, showing
 * a page of this app. Pure (no `electron` import); `ipc-bridge.ts` feeds it what Electron reports.
 */
import { isAppUrl } from './url-policy.js';

/** What the main process knows about the sender of one IPC message. */
export interface IpcSender {
  /** `event.sender.id`. */
  webContentsId: number;
  /** `event.senderFrame.url`; undefined when the frame is already gone. */
  frameUrl: string | undefined;
  /** True when the sending frame is the page's top frame (`senderFrame.parent === null`). */
  isMainFrame: boolean;
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

export function checkSender(sender: IpcSender, windows: ReadonlySet<number>): SenderVerdict {
  if (!windows.has(sender.webContentsId)) return { ok: false, reason: `webContents ${sender.webContentsId} is not an app window` };
  if (sender.frameUrl === undefined) return { ok: false, reason: 'the sending frame is gone' };
  if (!sender.isMainFrame) return { ok: false, reason: `a subframe (${sender.frameUrl}) may not use the bridge` };
  if (!isAppUrl(sender.frameUrl)) return { ok: false, reason: `${sender.frameUrl} is not a page of this app` };
  return { ok: true };
}
