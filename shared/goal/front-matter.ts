/** The goal file's optional YAML front matter: found, parsed with `yaml`, checked with zod. */
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { z } from 'zod';
import { nearestName } from '../did-you-mean.js';
import { SESSION_FIELDS, dollars, priority, retries, text, timeout, toSessionOptions } from './settings.js';
import type { Goal, GoalError } from './types.js';

export { PERMISSION_MODES, SESSION_MODES } from './settings.js';

const DELIMITER = /^---[ \t]*$/;
/** Front matter needs no YAML aliases; a few are allowed, an alias bomb is not. */
const MAX_ALIAS_COUNT = 100;
const ROOT_KEYS = ['base', 'verify', 'setup', 'priority', 'timeout', 'retries', 'verify_retries', 'budget_usd', 'session'];
const SESSION_KEYS = ['mode', 'model', 'permission_mode', 'allowed_tools', 'max_turns', 'max_budget_usd'];
/** `a, b and c`. */
const listed = (names: readonly string[]): string => `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

const SCHEMA = z.strictObject({
  base: text('must be a branch name or commit, as text (quote it if it looks like a number)').optional(),
  verify: text('must be a shell command, as text').optional(),
  setup: text('must be a shell command, as text').optional(),
  priority: priority.optional(),
  timeout: timeout.optional(),
  retries: retries.optional(),
  verify_retries: retries.optional(),
  budget_usd: dollars.optional(),
  session: z.strictObject({
    mode: SESSION_FIELDS.mode.optional(),
    model: SESSION_FIELDS.model.optional(),
    permission_mode: SESSION_FIELDS.permission_mode.optional(),
    max_turns: SESSION_FIELDS.max_turns.optional(),
    max_budget_usd: SESSION_FIELDS.max_budget_usd.optional(),
    allowed_tools: SESSION_FIELDS.allowed_tools.optional(),
  }, { error: `must be indented "key: value" lines (${listed(SESSION_KEYS)})` }).optional(),
}, { error: 'must be "key: value" lines' });

/** The settings the front matter provides: the goal's own fields of the same names. */
export type FrontMatterOptions = Pick<Goal, 'base' | 'verify' | 'setup' | 'priority' | 'timeoutMs' | 'retries' | 'verifyRetries' | 'budgetUsd' | 'session'>;

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
  const keys = parent.length === 0 ? ROOT_KEYS : SESSION_KEYS;
  const where = parent.join('.');
  const name = parent.length === 0 ? key : `${where}.${key}`;
  const known = parent.length === 0 ? `the keys are ${listed(keys)}` : `the keys under "${where}" are ${listed(keys)}`;
  const meant = nearestName(key, keys);
  if (meant === undefined) return `unknown front matter key "${name}": ${known}`;
  return `unknown front matter key "${name}": did you mean "${meant}"? ${known[0]!.toUpperCase()}${known.slice(1)}`;
}

function toOptions(data: z.infer<typeof SCHEMA>): FrontMatterOptions {
  // Only keys that were given, so that results compare cleanly with deepEqual.
  const options: FrontMatterOptions = { session: toSessionOptions(data.session ?? {}) };
  if (data.base !== undefined) options.base = data.base;
  if (data.verify !== undefined) options.verify = data.verify;
  if (data.setup !== undefined) options.setup = data.setup;
  if (data.priority !== undefined) options.priority = data.priority;
  if (data.timeout !== undefined) options.timeoutMs = data.timeout;
  if (data.retries !== undefined) options.retries = data.retries;
  if (data.verify_retries !== undefined) options.verifyRetries = data.verify_retries;
  if (data.budget_usd !== undefined) options.budgetUsd = data.budget_usd;
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
