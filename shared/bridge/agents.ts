/** Agents as the renderer lists them: discovered, paired or both. */
import { z } from 'zod';

export const AgentHealthState = z.enum([
  /** Connected, paired, Claude Code installed and logged in. */
  'ready',
  /** Connected, but Claude Code is missing or logged out (`detail` says what to run). */
  'not-ready',
  /** Failed tasks in a row; given no work until `detail`'s time. */
  'backed-off',
  /** Paired before but not reachable now. */
  'offline',
  /** Found on the LAN, not paired: it serves nothing until its owner pairs it. */
  'unpaired',
]);
export type AgentHealthState = z.infer<typeof AgentHealthState>;

export const AgentView = z.object({
  peerId: z.string(),
  name: z.string(),
  /** A short fingerprint of the PeerId for people to compare with what the agent printed. */
  fingerprint: z.string(),
  addrs: z.array(z.string()),
  paired: z.boolean(),
  connected: z.boolean(),
  /** The agent the app started on this machine. */
  local: z.boolean(),
  slots: z.number().int().nonnegative(),
  slotsInUse: z.number().int().nonnegative(),
  claudeVersion: z.string().nullable(),
  loggedIn: z.boolean(),
  health: AgentHealthState,
  detail: z.string().optional(),
}).strict();
export type AgentView = z.infer<typeof AgentView>;
