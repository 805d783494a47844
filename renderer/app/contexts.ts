/** The store and the bridge, handed down once; components read state through selectors. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { BridgeApi } from '../../shared/bridge/contract.js';
import type { AppState, AppStore } from '../store/app-store.js';

export const StoreContext = createContext<AppStore | null>(null);
/** Only the terminal panes use the bridge directly: their bytes never go through the store. */
export const BridgeContext = createContext<BridgeApi | null>(null);

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside <StoreContext>');
  return store;
}

/** Reads one piece of state; the component re-renders only when that piece changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStore(), selector);
}

export function useBridge(): BridgeApi {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge outside <BridgeContext>');
  return bridge;
}
