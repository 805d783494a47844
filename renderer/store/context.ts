/** What every slice is built from: the store's own set/get, the bridge, and a clock. */
import type { BridgeApi } from '../../shared/bridge/contract.js';
import type { AppState } from './app-store.js';

export type SetState = (partial: Partial<AppState> | ((state: AppState) => Partial<AppState>)) => void;

export interface SliceContext {
  bridge: BridgeApi;
  set: SetState;
  get: () => AppState;
  /** Milliseconds since the epoch; injected so tests control elapsed time. */
  now: () => number;
  /** Turns a failed call into a notice (unless the bridge is gone, which the banner says). */
  fail: (what: string, err: unknown) => void;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
