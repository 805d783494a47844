/** The driver's own facts: version, repository, PeerId, shell. */
import type { AppInfo } from '../../shared/bridge/contract.js';
import type { SliceContext } from './context.js';

export interface AppInfoSlice {
  appInfo: AppInfo | null;
  loadAppInfo(): Promise<void>;
}

export function createAppInfoSlice({ bridge, set, fail }: SliceContext): AppInfoSlice {
  return {
    appInfo: null,
    loadAppInfo: async () => {
      try {
        set({ appInfo: await bridge.call('app.info', {}) });
      } catch (err) {
        fail('Could not read the app info', err);
      }
    },
  };
}
