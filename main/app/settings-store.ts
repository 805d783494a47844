/**
 * Where the app's settings live. The Electron shell keeps them in electron-store; `claudecluster
 * ui` keeps them in a small versioned JSON file in the driver's data dir. Both implement
 * `SettingsStore`, so the app service never knows which it has.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_SETTINGS, Settings, SettingsPatch } from '../../shared/bridge/settings.js';
import { describeIssues } from '../../shared/protocol/common.js';

/** The settings file's name in the driver's data dir. */
export const SETTINGS_FILE = 'ui-settings.json';
/** Settings files are private to their user, like the rest of the data dir. */
const FILE_MODE = 0o600;

/** Reads and writes the app's settings. `set` merges a patch, saves it and returns the result. */
export interface SettingsStore {
  get(): Settings;
  set(patch: SettingsPatch): Settings;
}

/**
 * Settings in `<dataDir>/ui-settings.json`, checked with the `Settings` schema when read. A file
 * that is missing starts from the defaults; one that is unreadable, not JSON, of another version
 * or otherwise invalid also starts from the defaults, with a warning (never a crash), and is
 * replaced on the next `set`.
 */
export class JsonSettingsStore implements SettingsStore {
  private current: Settings;
  readonly file: string;

  constructor(dataDir: string, warn: (message: string) => void = () => undefined) {
    this.file = join(dataDir, SETTINGS_FILE);
    this.current = load(this.file, warn);
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  set(patch: SettingsPatch): Settings {
    const next = Settings.parse({ ...this.current, ...SettingsPatch.parse(patch), version: DEFAULT_SETTINGS.version });
    save(this.file, next);
    this.current = next;
    return this.get();
  }
}

/**
 * A store whose `get` shows `overrides` on top of `inner` (e.g. `--local N` for this start only)
 * without saving them; a `set` of an overridden key saves it and drops its override.
 */
export function withOverrides(inner: SettingsStore, overrides: Partial<Omit<Settings, 'version'>>): SettingsStore {
  const active: Partial<Omit<Settings, 'version'>> = { ...overrides };
  return {
    get: () => ({ ...inner.get(), ...structuredClone(active) }),
    set: (patch) => {
      for (const key of Object.keys(patch) as Array<keyof typeof active>) delete active[key];
      inner.set(patch);
      return { ...inner.get(), ...structuredClone(active) };
    },
  };
}

function load(file: string, warn: (message: string) => void): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`could not read ${file} (${(err as Error).message}); using the default settings`);
    return structuredClone(DEFAULT_SETTINGS);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    warn(`${file} is not valid JSON; using the default settings (the file is replaced when a setting changes)`);
    return structuredClone(DEFAULT_SETTINGS);
  }
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    warn(`${file} is not in the expected form (${describeIssues(parsed.error)}); using the default settings (the file is replaced when a setting changes)`);
    return structuredClone(DEFAULT_SETTINGS);
  }
  return parsed.data;
}

/** Temp file + rename: a crash never leaves half a settings file. */
function save(file: string, settings: Settings): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(settings, null, 2) + '\n', { mode: FILE_MODE });
  renameSync(tmp, file);
}
