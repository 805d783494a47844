/** Whether the bridge to the driver is up. Only the WebSocket bridge can go away. */
import type { SliceContext } from './context.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface ConnectionSlice {
  connection: { state: ConnectionState; reason?: string };
  setConnected(): void;
  setDisconnected(reason: string): void;
}

export function createConnectionSlice({ set }: SliceContext): ConnectionSlice {
  return {
    connection: { state: 'connecting' },
    setConnected: () => set({ connection: { state: 'connected' } }),
    setDisconnected: (reason) => set({ connection: { state: 'disconnected', reason } }),
  };
}
