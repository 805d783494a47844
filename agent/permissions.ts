/**
 * The permission modes a goal may ask for are capped by what the agent's owner allows.
 * bypassPermissions is off unless the owner turns it on (`--allow-bypass`); as root, Claude Code
 * refuses it unless IS_SANDBOX=1, which the agent then sets, explicitly and only then.
 */
import type { TaskSpec } from '../shared/protocol/control.js';
import { DEFAULT_PERMISSION_MODE } from './session.js';
import { modeRefusal } from '../shared/protocol/permission-modes.js';

export const SAFE_PERMISSION_MODES = ['acceptEdits', 'auto', 'default', 'dontAsk', 'plan'] as const;

export interface PermissionPolicy {
  allowed: readonly string[];
  isRoot: boolean;
}

export type PermissionCheck = { ok: true; env: Record<string, string> } | { ok: false; error: string };

export function checkPermissions(spec: TaskSpec, policy: PermissionPolicy): PermissionCheck {
  const mode = spec.session.permissionMode ?? DEFAULT_PERMISSION_MODE;
  const refusal = modeRefusal(mode, policy.allowed);
  if (refusal) return { ok: false, error: `this agent ${refusal}` };
  if (mode === 'bypassPermissions' && policy.isRoot) return { ok: true, env: { IS_SANDBOX: '1' } };
  return { ok: true, env: {} };
}
