/**
 * A task's own indented `key: value` lines: `after:`, its overrides (`priority:`, `timeout:`,
 * session options), its `estimate:` and fan-out (`foreach:`, `then:`). A line that starts with one of these keys
 * but escapes its colon (`after\: …`) is prompt text, with one backslash removed.
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { SESSION_FIELDS, TASK_SESSION_KEYS, estimate, priority, timeout, toSessionOptions } from './settings.js';
import { escapeLooseKey, unescapeLooseKey, type LooseKey } from './loose-keys.js';
import type { GoalTask, SessionOptions } from './types.js';

/** Every key a task line may set, in the order a formatted goal writes them. */
export const TASK_KEYS = ['after', 'foreach', 'then', 'priority', 'timeout', 'estimate', ...TASK_SESSION_KEYS] as const;
export type TaskKey = (typeof TASK_KEYS)[number];

/** Keys that may appear on several lines of one task, adding to each other. */
const LIST_KEYS: ReadonlySet<TaskKey> = new Set(['after', 'then']);

/** `<indent><key><spaces><backslashes>:<value>`; backslashes before the colon make it prompt text. */
const KEY_LINE = new RegExp(`^([ \\t]+(${TASK_KEYS.join('|')})[ \\t]*)(\\\\*):(.*)$`);
const BRACKETED = /^\[(.*)\]$/;
const ID_SEPARATOR = /[\s,]+/;
const QUOTED = /^["']/;
const FLOW_LIST = /^\[/;
/** One line needs no YAML aliases; a few are allowed, an alias bomb is not. */
const MAX_ALIAS_COUNT = 100;

/** What a `foreach:` line fans out over: files matching a glob, or the items of a literal list. */
export type ForEachSource = { glob: string } | { items: string[] };

export interface ForEach {
  source: ForEachSource;
  /** 1-based line of the `foreach:` line. */
  line: number;
}

/** A task id named on a `then:` line, with that line. */
export interface ThenRef {
  id: string;
  line: number;
}

/** A task as its lines describe it, before fan-out. */
export interface TaskDraft {
  task: GoalTask;
  foreach?: ForEach;
  then: ThenRef[];
  /** Lines the task set each single-valued key on, to report a key given twice. */
  seen: Map<TaskKey, number>;
  /** Prompt lines that look like a mistyped `after:`, `then:` or `foreach:`. */
  loose: LooseKey[];
}

/** A line of a task's indented block: a setting, or prompt text (unescaped). */
export type TaskLine = { key: TaskKey; value: string } | { text: string };

/** Reads one indented line outside code; a setting's word, or one that looks like a graph setting, escaped before its colon is text with one backslash fewer. */
export function readTaskLine(line: string): TaskLine {
  const match = KEY_LINE.exec(line);
  const [, prefix, key, backslashes, value] = match ?? [];
  if (prefix === undefined || key === undefined || backslashes === undefined || value === undefined) return { text: unescapeLooseKey(line) ?? line };
  if (backslashes !== '') return { text: `${prefix}${backslashes.slice(1)}:${value}` };
  return { key: key as TaskKey, value: value.trim() };
}

/** The inverse of readTaskLine for prompt text: a line it would read as a setting, or as a loose one, gets one more backslash. */
export function escapeTaskLine(line: string): string {
  if (!KEY_LINE.test(line)) return escapeLooseKey(line);
  return line.replace(KEY_LINE, (_all, prefix: string, _key: string, backslashes: string, value: string) => `${prefix}\\${backslashes}:${value}`);
}

/** Applies a setting line to the draft; returns a message when the value is wrong. */
export function applyTaskLine(draft: TaskDraft, key: TaskKey, value: string, line: number): string | undefined {
  const { task } = draft;
  const first = draft.seen.get(key);
  if (first !== undefined) return `task "${task.id}" sets "${key}" twice (first at line ${first}): keep one`;
  if (!LIST_KEYS.has(key)) draft.seen.set(key, line);
  switch (key) {
    case 'after':
      for (const id of idList(value)) if (!task.after.includes(id)) task.after.push(id);
      return undefined;
    case 'then':
      for (const id of idList(value)) if (!draft.then.some((t) => t.id === id)) draft.then.push({ id, line });
      return undefined;
    case 'foreach': {
      const source = readForEach(value);
      if (typeof source === 'string') return `"foreach" of task "${task.id}" ${source}`;
      draft.foreach = { source, line };
      return undefined;
    }
    case 'priority':
      return setValue(task, key, value, priority, (v) => { task.priority = v; });
    case 'timeout':
      return setValue(task, key, value, timeout, (v) => { task.timeoutMs = v; });
    case 'estimate':
      return setValue(task, key, value, estimate, (v) => { task.estimateMs = v; });
    default:
      return setSession(task, key, value);
  }
}

function idList(value: string): string[] {
  return (BRACKETED.exec(value)?.[1] ?? value).split(ID_SEPARATOR).filter((id) => id !== '');
}

/** A glob as written (quotes removed), or a YAML flow list of plain values; a message if neither. */
function readForEach(value: string): ForEachSource | string {
  const expected = 'must be a glob over the repository\'s files (e.g. src/**/*.ts) or a list like [en, de, fr]';
  if (value === '') return expected;
  if (!FLOW_LIST.test(value) && !QUOTED.test(value)) return { glob: value };
  const parsed = yamlValue(value);
  if (typeof parsed === 'string') return parsed.trim() === '' ? expected : { glob: parsed };
  if (!Array.isArray(parsed)) return expected;
  const items: string[] = [];
  for (const item of parsed) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      return 'lists plain values only, like [en, de, fr]: quote an item that holds "," "[" or ":"';
    }
    items.push(String(item));
  }
  return { items };
}

function setValue<T extends z.ZodType>(task: GoalTask, key: TaskKey, value: string, schema: T, set: (v: z.output<T>) => void): string | undefined {
  const parsed = schema.safeParse(yamlValue(value));
  if (!parsed.success) return `"${key}" of task "${task.id}" ${parsed.error.issues[0]?.message ?? 'is not valid'}`;
  set(parsed.data);
  return undefined;
}

function setSession(task: GoalTask, key: (typeof TASK_SESSION_KEYS)[number], value: string): string | undefined {
  return setValue(task, key, value, SESSION_FIELDS[key], (v) => {
    const override: SessionOptions = toSessionOptions({ [key]: v });
    task.session = { ...task.session, ...override };
  });
}

/** The value as YAML reads it (`5` a number, `sonnet` text); a YAML error leaves the text as it is. */
function yamlValue(value: string): unknown {
  const doc = parseDocument(value);
  // The text then fails the field's own check, whose message says what is expected.
  if (doc.errors.length > 0) return value;
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    // Only too many aliases make toJS throw; no setting needs them, so the text stands as written.
    return value;
  }
}
