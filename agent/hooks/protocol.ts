/** What a hook relay sends the agent: one JSON line per hook, carrying the session's secret. */
import { z } from 'zod';

/** The Claude Code hook events a session listens to, plus `status` for the statusLine command. */
export const HOOK_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PermissionRequest', 'PostToolUse', 'Notification', 'Stop', 'StopFailure', 'SessionEnd', 'status'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Largest relay message accepted (a hook's JSON can quote the last assistant message). */
export const MAX_HOOK_MESSAGE_BYTES = 256 * 1024;

export const HookMessage = z.object({
  secret: z.string().min(16).max(128),
  event: z.enum(HOOK_EVENTS),
  /** The hook's stdin JSON as Claude Code gave it (validated per event by the consumer). */
  payload: z.unknown(),
  /** When the relay started (ms since epoch), for latency figures. */
  sentAt: z.number(),
}).strict();
export type HookMessage = z.infer<typeof HookMessage>;

/** The header carrying the session's secret on HTTP hooks (Node lower-cases header names). */
export const HOOK_SECRET_HEADER = 'x-claudecluster-secret';

/** Environment a session's hooks find the agent through. */
export const HOOK_ENV = { socket: 'CLAUDECLUSTER_HOOK_SOCKET', secret: 'CLAUDECLUSTER_HOOK_SECRET' } as const;
