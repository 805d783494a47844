/**
 * Carries the bridge between each app window and the app service: one `openClient` per window
 * (renewed when its page reloads), over the one IPC channel. A message from anything but the top
 * frame of one of our windows showing one of our pages is dropped and logged.
 */
import { ipcMain, type BrowserWindow, type IpcMainEvent, type WebContents } from 'electron';
import { BRIDGE_IPC_CHANNEL } from '../../shared/bridge/constants.js';
import type { RpcMessage } from '../../shared/protocol/jsonrpc.js';
import type { AppService } from '../app/service.js';
import { checkSender } from './ipc-policy.js';

type Client = ReturnType<AppService['openClient']>;

export class IpcBridge {
  private readonly clients = new Map<number, Client>();
  private readonly onMessage = (event: IpcMainEvent, raw: unknown): void => this.receive(event, raw);

  constructor(private readonly service: AppService, private readonly log: (line: string) => void) {
    ipcMain.on(BRIDGE_IPC_CHANNEL, this.onMessage);
  }

  /** Serves the bridge to `win` until it closes. */
  attach(win: BrowserWindow): void {
    const contents = win.webContents;
    const id = contents.id;
    this.open(contents);
    // A new document (a reload) gets a fresh client: request ids start again at 1 in the new page.
    contents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.open(contents);
    });
    contents.on('render-process-gone', () => this.open(contents));
    contents.once('destroyed', () => {
      this.clients.get(id)?.close();
      this.clients.delete(id);
    });
  }

  /** Sends a message of the contract to one window, as its service client would. */
  notify(win: BrowserWindow, message: RpcMessage): void {
    if (!win.isDestroyed() && this.clients.has(win.webContents.id)) win.webContents.send(BRIDGE_IPC_CHANNEL, message);
  }

  dispose(): void {
    ipcMain.removeListener(BRIDGE_IPC_CHANNEL, this.onMessage);
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private open(contents: WebContents): void {
    const id = contents.id;
    this.clients.get(id)?.close();
    const client: Client = this.service.openClient((message) => {
      // Only the window's current client may talk to it: a closed one's late replies are dropped.
      if (this.clients.get(id) === client && !contents.isDestroyed()) contents.send(BRIDGE_IPC_CHANNEL, message);
    });
    this.clients.set(id, client);
  }

  private receive(event: IpcMainEvent, raw: unknown): void {
    const frame = event.senderFrame;
    const verdict = checkSender(
      { webContentsId: event.sender.id, frameUrl: frame?.url, isMainFrame: frame ? frame.parent === null : false },
      new Set(this.clients.keys()),
    );
    if (!verdict.ok) {
      this.log(`bridge: refused a message: ${verdict.reason}`);
      return;
    }
    this.clients.get(event.sender.id)?.receive(raw).catch((err: unknown) => this.log(`bridge: ${String(err)}`));
  }
}
