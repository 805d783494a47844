/**
 * What a session is doing, from Claude Code's own hooks — never from the screen.
 * A pure mapping, so every rule is unit-tested.
 */
import type { HookEvent } from './hooks/protocol.js';

export type SessionState = 'starting' | 'working' | 'needs-input' | 'turn-done' | 'failed' | 'exited';

export interface StateChange {
  state: SessionState;
  detail?: string;
}

/** Why a turn failed, in words a person can act on, from StopFailure's `error` or a result. */
export function failureReason(error: string | undefined, text?: string): string {
  const t = `${error ?? ''} ${text ?? ''}`.toLowerCase();
  if (/authentication|not logged in|invalid api key|invalid x-api-key|\/login|\b401\b/.test(t)) return 'not logged in / invalid API key';
  if (/max_budget|budget/.test(t)) return 'budget exceeded';
  if (/max_turns|turn limit|maximum number of turns/.test(t)) return 'turn limit reached';
  if (/billing|credit balance/.test(t)) return 'API billing problem';
  if (/rate.?limit|\b429\b/.test(t)) return 'API error: rate limited';
  if (/overloaded|\b529\b/.test(t)) return 'API error: overloaded';
  if (/structured_output|structured output/.test(t)) return `no valid structured output: ${(text ?? error ?? '').slice(0, 300)}`;
  return `API error: ${(text ?? error ?? 'unknown').slice(0, 300)}`;
}

function field(payload: unknown, name: string): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const v = (payload as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** The state a hook moves a session to, or undefined when it changes nothing. */
export function onHook(current: SessionState, event: HookEvent, payload: unknown): StateChange | undefined {
  if (current === 'failed' || current === 'exited') return event === 'SessionEnd' && current !== 'exited' ? { state: 'exited' } : undefined;
  switch (event) {
    case 'UserPromptSubmit':
      return { state: 'working' };
    case 'PermissionRequest': {
      const tool = field(payload, 'tool_name');
      return { state: 'needs-input', detail: tool ? `Claude wants to use ${tool}: allow or deny it in the terminal` : 'Claude Code is asking for permission' };
    }
    case 'PostToolUse':
      // A tool ran: if it had been waiting for permission, it was given.
      return current === 'needs-input' ? { state: 'working' } : undefined;
    case 'Notification': {
      const type = field(payload, 'notification_type');
      const message = field(payload, 'message');
      if (type === 'permission_prompt' || type === 'elicitation_dialog') return { state: 'needs-input', detail: message ?? 'Claude Code is asking for permission' };
      // idle_prompt and others only repeat what Stop already said.
      return undefined;
    }
    case 'Stop':
      return { state: 'turn-done' };
    case 'StopFailure':
      return { state: 'failed', detail: failureReason(field(payload, 'error'), field(payload, 'error_message') ?? field(payload, 'message')) };
    case 'SessionEnd':
      return { state: 'exited' };
    case 'SessionStart':
    case 'status':
      return undefined;
  }
}

/** The running cost a statusLine payload carries. */
export function costOf(payload: unknown): number | undefined {
  const cost = (payload as { cost?: { total_cost_usd?: unknown } } | null)?.cost?.total_cost_usd;
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}
