/** The `--settings` a session runs with: every state hook and the statusLine go to the relay. */
import { fileURLToPath } from 'node:url';
import { HOOK_ENV, type HookEvent } from './protocol.js';

/** The relay program, next to this file in the build. */
export const RELAY = fileURLToPath(new URL('./relay.js', import.meta.url));

/**
 * PermissionRequest fires the moment Claude Code shows a permission dialog; Notification
 * (permission_prompt) only after the dialog has waited ~6 s. Both mean the session needs its user.
 */
const CLAUDE_HOOKS: Exclude<HookEvent, 'status'>[] = ['SessionStart', 'UserPromptSubmit', 'PermissionRequest', 'PostToolUse', 'Notification', 'Stop', 'StopFailure', 'SessionEnd'];

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** How long Claude Code may wait for the agent to take a hook (it answers at once). */
const HOOK_TIMEOUT_S = 5;

/**
 * Settings JSON for `claude --settings`: every state hook POSTs to the agent's HTTP door (`url`),
 * with the secret Claude Code fills in from the session's environment; the statusLine runs the
 * relay (`node`), which prints the line and reports the running cost.
 */
export function sessionSettings(url: string, node = process.execPath, relay = RELAY): string {
  const http = (event: HookEvent): object => ({
    type: 'http', url: `${url}/${event}`, timeout: HOOK_TIMEOUT_S,
    headers: { 'X-ClaudeCluster-Secret': `$${HOOK_ENV.secret}` }, allowedEnvVars: [HOOK_ENV.secret],
  });
  const hooks = Object.fromEntries(CLAUDE_HOOKS.map((e) => [e, [{ hooks: [http(e)] }]]));
  return JSON.stringify({ hooks, statusLine: { type: 'command', command: `${quote(node)} ${quote(relay)} status` } });
}
