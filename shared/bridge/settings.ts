/** The app's settings: saved by the shell (electron-store, or a JSON file under `claudecluster ui`). */
import { z } from 'zod';
import { SessionOptionsSchema } from '../protocol/control.js';

/** Most slots the app's own local agent may get. */
export const MAX_LOCAL_SLOTS = 64;

export const Settings = z.object({
  version: z.literal(1),
  theme: z.enum(['system', 'light', 'dark']),
  /** Slots of the agent the app starts on this machine; 0 starts none. */
  localSlots: z.number().int().min(0).max(MAX_LOCAL_SLOTS),
  /** Session options a goal gets unless it says otherwise. */
  session: SessionOptionsSchema.pick({ mode: true, model: true, permissionMode: true, maxTurns: true }),
  /** Agents to connect to at start (multiaddrs), besides those found by mDNS. */
  knownAgents: z.array(z.string().min(1).max(1000)).max(100),
  /** The repository runs start in, when the app was not started inside one. */
  repo: z.string().max(4096).nullable(),
}).strict();
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.omit({ version: true }).partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const DEFAULT_SETTINGS: Settings = {
  version: 1,
  theme: 'system',
  localSlots: 2,
  session: {},
  knownAgents: [],
  repo: null,
};
