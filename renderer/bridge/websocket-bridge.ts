/**
 * The bridge under `claudecluster ui`: JSON-RPC 2.0 text frames over a WebSocket to the page's
 * own host, authorised by the token the page was opened with.
 */
import type { BridgeApi } from '../../shared/bridge/contract.js';
import { createBridgeClient } from '../../shared/bridge/adapter.js';
import { BRIDGE_TOKEN_PARAM, BRIDGE_WS_PATH } from '../../shared/bridge/constants.js';

/** WebSocket close code for a connection that dropped without a close frame. */
const CLOSE_ABNORMAL = 1006;

export interface SocketEvents {
  open(): void;
  /** The bridge is gone for good; `reason` says why, for people. */
  close(reason: string): void;
}

/** The token `claudecluster ui` put in the page's address, if any. */
export function pageToken(loc: Location): string | null {
  return new URLSearchParams(loc.search).get(BRIDGE_TOKEN_PARAM);
}

export function bridgeUrl(loc: Location, token: string): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}${BRIDGE_WS_PATH}?${BRIDGE_TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

export function websocketBridge(url: string, events: SocketEvents): BridgeApi {
  const socket = new WebSocket(url);
  // Calls made before the socket opens wait here (the first screen asks for everything at once).
  const waiting: string[] = [];
  const client = createBridgeClient((message) => {
    const frame = JSON.stringify(message);
    if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    else if (socket.readyState === WebSocket.CONNECTING) waiting.push(frame);
    // Closing or closed: the client was closed with it and has already failed the call.
  });
  socket.addEventListener('open', () => {
    for (const frame of waiting.splice(0)) socket.send(frame);
    events.open();
  });
  socket.addEventListener('message', (ev: MessageEvent<unknown>) => {
    if (typeof ev.data !== 'string') {
      console.warn('bridge: dropped a binary frame (the bridge carries text only)');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(ev.data);
    } catch {
      console.warn('bridge: dropped a frame that is not JSON');
      return;
    }
    const dropped = client.receive(raw);
    if (dropped !== undefined) console.warn(`bridge: dropped a message: ${dropped}`);
  });
  socket.addEventListener('close', (ev: CloseEvent) => {
    const reason = ev.reason !== '' ? ev.reason : ev.code === CLOSE_ABNORMAL ? 'the connection to the driver was lost' : `the driver closed the connection (code ${ev.code})`;
    client.close(new Error(`disconnected: ${reason}`));
    events.close(reason);
  });
  return client.api;
}
