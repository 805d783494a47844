/**
 * Reading and patching the saved settings, whatever the store: what is on disk is parsed with the
 * `Settings` schema, and anything unreadable falls back to the defaults (with the reason, so the
 * shell can say why). Pure (no `electron` import).
 */
import { DEFAULT_SETTINGS, Settings, SettingsPatch } from '../../shared/bridge/settings.js';
import { describeIssues } from '../../shared/protocol/common.js';

export type LoadedSettings = { settings: Settings; problem?: string };

/** The settings a stored value holds; the defaults (and why) when there is none or it is invalid. */
export function loadSettings(stored: unknown): LoadedSettings {
  if (stored === undefined) return { settings: structuredClone(DEFAULT_SETTINGS) };
  const parsed = Settings.safeParse(stored);
  if (parsed.success) return { settings: parsed.data };
  return { settings: structuredClone(DEFAULT_SETTINGS), problem: `saved settings are invalid (${describeIssues(parsed.error)}); using the defaults` };
}

/** `current` with `patch` applied; the patch is parsed here too, so a bad one throws before anything is saved. */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  const p = SettingsPatch.parse(patch);
  // A key present but undefined means "not in this patch", never "clear it".
  const set = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
  return Settings.parse({ ...current, ...set });
}
