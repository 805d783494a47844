/**
 * The preload of the app window (sandboxed, context-isolated). It gives the page one object,
 * `window[BRIDGE_GLOBAL] = { call, on }`, carried as JSON-RPC over the one IPC channel. Built by
 * `scripts/build-preload.mjs` into a single CommonJS file: a sandboxed preload cannot load modules
 * other than `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { z } from 'zod';
import { createBridgeClient } from '../../shared/bridge/adapter.js';
import { BRIDGE_GLOBAL, BRIDGE_IPC_CHANNEL } from '../../shared/bridge/constants.js';
import { createPreloadApi } from './preload-api.js';

// The page's CSP forbids eval: have zod skip its compiled fast path instead of probing for it.
z.config({ jitless: true });

const client = createBridgeClient((message) => ipcRenderer.send(BRIDGE_IPC_CHANNEL, message));
ipcRenderer.on(BRIDGE_IPC_CHANNEL, (_event, message: unknown) => {
  const dropped = client.receive(message);
  if (dropped !== undefined) console.warn(`bridge: dropped a message from the app: ${dropped}`);
});
contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createPreloadApi(client.api));
