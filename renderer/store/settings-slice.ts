/** The app's settings, read once and written back field by field. */
import type { Settings, SettingsPatch } from '../../shared/bridge/settings.js';
import type { SliceContext } from './context.js';

export interface SettingsSlice {
  settings: Settings | null;
  loadSettings(): Promise<void>;
  /** Resolves true when the driver took the change. */
  saveSettings(patch: SettingsPatch): Promise<boolean>;
}

export function createSettingsSlice({ bridge, set, fail }: SliceContext): SettingsSlice {
  return {
    settings: null,
    loadSettings: async () => {
      try {
        set({ settings: await bridge.call('settings.get', {}) });
      } catch (err) {
        fail('Could not read the settings', err);
      }
    },
    saveSettings: async (patch) => {
      try {
        set({ settings: await bridge.call('settings.set', patch) });
        return true;
      } catch (err) {
        fail('Could not save the settings', err);
        return false;
      }
    },
  };
}
