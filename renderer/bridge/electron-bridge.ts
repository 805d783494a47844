/** The bridge the Electron preload exposes, when the page runs in the desktop app. */
import type { BridgeApi } from '../../shared/bridge/contract.js';
import { BRIDGE_GLOBAL } from '../../shared/bridge/constants.js';

export function electronBridge(win: Window): BridgeApi | undefined {
  const candidate: unknown = (win as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { call, on } = candidate as Partial<BridgeApi>;
  return typeof call === 'function' && typeof on === 'function' ? (candidate as BridgeApi) : undefined;
}
