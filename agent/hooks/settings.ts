/** The `--settings` a session runs with: every state hook and the statusLine go to the relay. */
import { fileURLToPath } from 'node:url';
import type { HookEvent } from './protocol.js';

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

/** Settings JSON for `claude --settings`. `node` is the Node binary the relay runs on. */
export function sessionSettings(node = process.execPath, relay = RELAY): string {
  const command = (event: HookEvent): string => `${quote(node)} ${quote(relay)} ${event}`;
  const hooks = Object.fromEntries(CLAUDE_HOOKS.map((e) => [e, [{ hooks: [{ type: 'command', command: command(e) }] }]]));
  return JSON.stringify({ hooks, statusLine: { type: 'command', command: command('status') } });
}
