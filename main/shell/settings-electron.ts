/** The app's settings in electron-store (`settings.json` in the app's data folder), parsed with the `Settings` schema. */
import { ipcMain } from 'electron';
import Store from 'electron-store';
import type { Settings, SettingsPatch } from '../../shared/bridge/settings.js';
import type { SettingsStore } from '../app/settings-store.js';
import { applySettingsPatch, loadSettings } from './settings-values.js';

/** The one key the settings live under; its value is a versioned `Settings` object. */
const SETTINGS_KEY = 'settings';

/** The IPC channel electron-store opens for renderers that use it; ours never do. */
const ELECTRON_STORE_CHANNEL = 'electron-store-get-data';

export function createElectronSettings(log: (line: string) => void): SettingsStore {
  const store = openStore(log);
  // Only the bridge's channel is served: a renderer has no business reading the data folder's path.
  ipcMain.removeAllListeners(ELECTRON_STORE_CHANNEL);
  const loaded = loadSettings(store.get(SETTINGS_KEY));
  if (loaded.problem) log(loaded.problem);
  let current: Settings = loaded.settings;
  return {
    get: () => structuredClone(current),
    set(patch: SettingsPatch): Settings {
      current = applySettingsPatch(current, patch);
      store.set(SETTINGS_KEY, current);
      return structuredClone(current);
    },
  };
}

type SettingsFile = { [SETTINGS_KEY]?: unknown };

function openStore(log: (line: string) => void): Store<SettingsFile> {
  try {
    return new Store<SettingsFile>({ name: 'settings' });
  } catch (err) {
    // The file is not JSON at all: start again from the defaults rather than not start.
    log(`settings file unreadable (${String(err)}); starting from the defaults`);
    return new Store<SettingsFile>({ name: 'settings', clearInvalidConfig: true });
  }
}
