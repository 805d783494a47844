/**
 * The values a goal can set, checked with zod: once here, so that the front matter and a task's
 * own `key: value` lines accept the same values and say the same thing about a wrong one.
 */
import { z } from 'zod';
import { DURATION_RULE, ESTIMATE_RULE, parseDuration } from './duration.js';
import type { SessionOptions } from './types.js';

type PermissionMode = NonNullable<SessionOptions['permissionMode']>;

/** Every `--permission-mode` Claude Code accepts, in the order messages list them. */
export const PERMISSION_MODES = [
  'acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan',
] as const satisfies readonly PermissionMode[];
// Fails to compile if SessionOptions gains a mode that the list above lacks.
const _allModesListed: Exclude<PermissionMode, (typeof PERMISSION_MODES)[number]> extends never ? true : never = true;

/** How a task's Claude Code runs: its own interactive TUI, or `-p` with stream-json. */
export const SESSION_MODES = ['tui', 'headless'] as const;

const HAS_TEXT = /\S/;
const DOLLARS = 'must be a number of US dollars above 0';

/** Each field carries one message saying what it expects, whatever the exact mistake. */
export const text = (expected: string) => z.string({ error: expected }).regex(HAS_TEXT, { error: expected });
const positiveInt = (expected: string) => z.int({ error: expected }).positive({ error: expected });
const count = (expected: string) => z.int({ error: expected }).nonnegative({ error: expected });

/** A length of time, read as milliseconds (see duration.ts); `rule` says what is expected. */
const duration = (rule: string) => z.unknown().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: rule });
  return ms ?? z.NEVER;
});

/** A time limit, in milliseconds. */
export const timeout = duration(DURATION_RULE);
/** How long a task should take, in milliseconds: its weight when the scheduler ranks critical paths. */
export const estimate = duration(ESTIMATE_RULE);

export const priority = z.int({ error: 'must be a whole number (higher runs first; the default is 0)' });
export const dollars = z.number({ error: DOLLARS }).positive({ error: DOLLARS });
export const retries = count('must be a whole number, 0 or more');

/** The session options, by their goal-file names. */
export const SESSION_FIELDS = {
  mode: z.enum(SESSION_MODES, { error: `must be one of ${SESSION_MODES.join(', ')}` }),
  model: text('must be a model name, as text'),
  permission_mode: z.enum(PERMISSION_MODES, { error: `must be one of ${PERMISSION_MODES.join(', ')}` }),
  allowed_tools: z.array(text('must be a tool name, as text'), { error: 'must be a list of tool names, e.g. [Read, Edit, "Bash(npm test)"]' }),
  max_turns: positiveInt('must be a whole number above 0'),
  max_budget_usd: dollars,
};

export type SessionKey = keyof typeof SESSION_FIELDS;

/** Goal-file name → SessionOptions field, for each session option a goal file can set. */
export const SESSION_KEY_FIELDS = {
  mode: 'mode',
  model: 'model',
  permission_mode: 'permissionMode',
  allowed_tools: 'allowedTools',
  max_turns: 'maxTurns',
  max_budget_usd: 'maxBudgetUsd',
} as const satisfies Record<SessionKey, keyof SessionOptions>;

/** The session options a task may override on its own `key: value` lines. */
export const TASK_SESSION_KEYS = ['model', 'mode', 'permission_mode', 'max_turns', 'max_budget_usd'] as const satisfies readonly SessionKey[];

/** Copies the session options that were given, renamed to SessionOptions fields. */
export function toSessionOptions(values: { [K in SessionKey]?: z.output<(typeof SESSION_FIELDS)[K]> }): SessionOptions {
  const options: SessionOptions = {};
  // Only keys that were given, so that results compare cleanly with deepEqual.
  if (values.mode !== undefined) options.mode = values.mode;
  if (values.model !== undefined) options.model = values.model;
  if (values.permission_mode !== undefined) options.permissionMode = values.permission_mode;
  if (values.allowed_tools !== undefined) options.allowedTools = values.allowed_tools;
  if (values.max_turns !== undefined) options.maxTurns = values.max_turns;
  if (values.max_budget_usd !== undefined) options.maxBudgetUsd = values.max_budget_usd;
  return options;
}
