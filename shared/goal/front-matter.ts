/** The goal file's optional YAML front matter: found, parsed with `yaml`, checked with zod. */
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { z } from 'zod';
import type { GoalError, SessionOptions } from './types.js';

type PermissionMode = NonNullable<SessionOptions['permissionMode']>;

/** Every `--permission-mode` Claude Code accepts, in the order messages list them. */
export const PERMISSION_MODES = [
  'acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan',
] as const satisfies readonly PermissionMode[];
// Fails to compile if SessionOptions gains a mode that the list above lacks.
const _allModesListed: Exclude<PermissionMode, (typeof PERMISSION_MODES)[number]> extends never ? true : never = true;

/** How a task's Claude Code runs: its own interactive TUI, or `-p` with stream-json. */
export const SESSION_MODES = ['tui', 'headless'] as const;

const DELIMITER = /^---[ \t]*$/;
const HAS_TEXT = /\S/;
/** Front matter needs no YAML aliases; a few are allowed, an alias bomb is not. */
const MAX_ALIAS_COUNT = 100;
const ROOT_KEYS = 'base, verify, budget_usd and session';
const SESSION_KEYS = 'mode, model, permission_mode, allowed_tools, max_turns and max_budget_usd';

/** Each field carries one message saying what it expects, whatever the exact mistake. */
const text = (expected: string) => z.string({ error: expected }).regex(HAS_TEXT, { error: expected });
const positiveInt = (expected: string) => z.int({ error: expected }).positive({ error: expected });

const SCHEMA = z.strictObject({
  base: text('must be a branch name or commit, as text (quote it if it looks like a number)').optional(),
  verify: text('must be a shell command, as text').optional(),
  budget_usd: z.number({ error: 'must be a number of US dollars above 0' }).positive({ error: 'must be a number of US dollars above 0' }).optional(),
  session: z.strictObject({
    mode: z.enum(SESSION_MODES, { error: `must be one of ${SESSION_MODES.join(', ')}` }).optional(),
    model: text('must be a model name, as text').optional(),
    permission_mode: z.enum(PERMISSION_MODES, { error: `must be one of ${PERMISSION_MODES.join(', ')}` }).optional(),
    max_turns: positiveInt('must be a whole number above 0').optional(),
    max_budget_usd: z.number({ error: 'must be a number of US dollars above 0' }).positive({ error: 'must be a number of US dollars above 0' }).optional(),
    allowed_tools: z.array(text('must be a tool name, as text'), { error: 'must be a list of tool names, e.g. [Read, Edit, "Bash(npm test)"]' }).optional(),
  }, { error: `must be indented "key: value" lines (${SESSION_KEYS})` }).optional(),
}, { error: 'must be "key: value" lines' });

/** The settings the front matter provides. */
export interface FrontMatterOptions {
  base?: string;
  verify?: string;
  budgetUsd?: number;
  session: SessionOptions;
}

/** What parsing the front matter gives: settings, where the Markdown starts, and any errors. */
export interface FrontMatterResult {
  options: FrontMatterOptions;
  /** 0-based index of the first line after the front matter; undefined when it is never closed. */
  bodyStart: number | undefined;
  errors: GoalError[];
}

/**
 * Reads the front matter: a `---` line at the very top, YAML, and a closing `---` line.
 * A file that does not start with `---` has none, and its Markdown starts at line 1.
 */
export function parseFrontMatter(file: string, lines: readonly string[]): FrontMatterResult {
  if (!DELIMITER.test(lines[0] ?? '')) return { options: { session: {} }, bodyStart: 0, errors: [] };
  const close = lines.findIndex((line, index) => index > 0 && DELIMITER.test(line));
  if (close < 0) {
    const message = 'the front matter that starts here is never closed: end it with a "---" line';
    const errors: GoalError[] = [{ code: 'front-matter', file, line: 1, message }];
    return { options: { session: {} }, bodyStart: undefined, errors };
  }
  const { options, errors } = parseYaml(file, lines.slice(1, close).join('\n'));
  return { options, bodyStart: close + 1, errors };
}

/** YAML line numbers count from the line after the opening `---`, which is file line 2. */
const YAML_FIRST_LINE = 2;

function parseYaml(file: string, source: string): { options: FrontMatterOptions; errors: GoalError[] } {
  const counter = new LineCounter();
  // prettyErrors off: its messages quote YAML-relative line numbers, which would mislead.
  const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false });
  const at = (yamlLine: number) => yamlLine + YAML_FIRST_LINE - 1;
  const empty: FrontMatterOptions = { session: {} };
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e): GoalError => ({
      code: 'front-matter', file, line: at(counter.linePos(e.pos[0]).line),
      message: `the front matter is not valid YAML: ${e.message}`,
    }));
    return { options: empty, errors };
  }
  // doc.warnings are ignored: they concern YAML features (tags, versions) that change no value here.
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    // toJS throws only when aliases expand too much (a "billion laughs" file); that is the user's input.
    const message = `the front matter could not be read: ${e instanceof Error ? e.message : String(e)}`;
    return { options: empty, errors: [{ code: 'front-matter', file, line: 1, message }] };
  }
  const parsed = SCHEMA.safeParse(raw);
  if (parsed.success) return { options: toOptions(parsed.data), errors: [] };
  const errors = parsed.error.issues.flatMap((issue): GoalError[] => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        code: 'front-matter', file, line: at(keyLine(doc, counter, [...path, key]) ?? 1),
        message: unknownKeyMessage(path, key),
      }));
    }
    const subject = path.length === 0 ? 'the front matter' : `front matter key "${path.join('.')}"`;
    const line = at(keyLine(doc, counter, path) ?? 1);
    return [{ code: 'front-matter', file, line, message: `${subject} ${issue.message}` }];
  });
  return { options: empty, errors: errors.sort((a, b) => a.line - b.line) };
}

function unknownKeyMessage(parent: readonly string[], key: string): string {
  if (parent.length === 0) return `unknown front matter key "${key}": the keys are ${ROOT_KEYS}`;
  const where = parent.join('.');
  return `unknown front matter key "${where}.${key}": the keys under "${where}" are ${SESSION_KEYS}`;
}

function toOptions(data: z.infer<typeof SCHEMA>): FrontMatterOptions {
  // Only keys that were given, so that results compare cleanly with deepEqual.
  const options: FrontMatterOptions = { session: {} };
  if (data.base !== undefined) options.base = data.base;
  if (data.verify !== undefined) options.verify = data.verify;
  if (data.budget_usd !== undefined) options.budgetUsd = data.budget_usd;
  const { mode, model, permission_mode: permissionMode, max_turns: maxTurns, max_budget_usd: maxBudgetUsd, allowed_tools: allowedTools } = data.session ?? {};
  if (mode !== undefined) options.session.mode = mode;
  if (maxBudgetUsd !== undefined) options.session.maxBudgetUsd = maxBudgetUsd;
  if (allowedTools !== undefined) options.session.allowedTools = allowedTools;
  if (model !== undefined) options.session.model = model;
  if (permissionMode !== undefined) options.session.permissionMode = permissionMode;
  if (maxTurns !== undefined) options.session.maxTurns = maxTurns;
  return options;
}

/** YAML line (1-based) of the deepest key on `path` that exists; undefined if not even the first. */
function keyLine(doc: Document, counter: LineCounter, path: readonly string[]): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (!pair || !isScalar(pair.key)) break;
    const offset = pair.key.range?.[0];
    if (offset !== undefined) line = counter.linePos(offset).line;
    node = pair.value;
  }
  return line;
}
