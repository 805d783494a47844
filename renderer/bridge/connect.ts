/**
 * Picks the bridge: the Electron preload's when present, else a WebSocket to `claudecluster ui`
 * with the token from the page's address. There is no other (no in-memory stand-in).
 */
import type { BridgeApi } from '../../shared/bridge/contract.js';
import { electronBridge } from './electron-bridge.js';
import { bridgeUrl, pageToken, websocketBridge, type SocketEvents } from './websocket-bridge.js';

export interface BridgeConnection {
  api: BridgeApi;
  kind: 'electron' | 'websocket';
}

/** `events` fire only for the WebSocket bridge; the Electron one is up as long as the window. */
export function connectBridge(win: Window, events: SocketEvents): BridgeConnection {
  const electron = electronBridge(win);
  if (electron) return { api: electron, kind: 'electron' };
  const token = pageToken(win.location);
  if (token === null) {
    // Without a token the server refuses the socket; say what to do instead of a bare refusal.
    const api = websocketBridge(bridgeUrl(win.location, ''), {
      open: events.open,
      close: () => events.close('this page was opened without its token: open the address `claudecluster ui` printed'),
    });
    return { api, kind: 'websocket' };
  }
  return { api: websocketBridge(bridgeUrl(win.location, token), events), kind: 'websocket' };
}
