/**
 * Prompt lines that look like a mistyped graph setting: `After: greet`, `depends_on: greet`,
 * `thne: summary` (every word of them a task id), `forEach: [en, de]`. As written they are
 * prompt text, so the dependency or the fan-out would silently not happen: each is an error
 * that says what was probably meant.
 */
import { nearestName } from '../did-you-mean.js';
import type { GoalError } from './types.js';

/** The settings whose loss changes the graph. */
const GRAPH_KEYS = ['after', 'then', 'foreach'] as const;
type GraphKey = (typeof GRAPH_KEYS)[number];
/** Other tools' words for `after:`. */
const AFTER_SYNONYMS = new Set(['depends', 'depends_on', 'dependencies', 'deps', 'needs', 'requires', 'waits_for']);
/** `<indent><word><spaces><backslashes>:<value>`; a word that is a setting exactly never gets here (it sets it). */
const WORD_LINE = /^([ \t]+([A-Za-z][\w-]*)[ \t]*)(\\*):(.*)$/;
const ID_LIST = /^\[?([^\]]*)\]?$/;
const ID_SEPARATOR = /[\s,]+/;
/** A glob character, or a value that opens a list: what a `foreach:` takes. */
const FOREACH_VALUE = /^\[|[*?]/;

/** A prompt line of a task that may be a mistyped graph setting. */
export interface LooseKey {
  /** The word as written, e.g. `After`. */
  word: string;
  /** The setting it looks like. */
  key: GraphKey;
  value: string;
  /** 1-based. */
  line: number;
}

/** The graph setting `word` looks like without being it, if any. */
function lookalike(word: string): GraphKey | undefined {
  if (AFTER_SYNONYMS.has(word.toLowerCase().replaceAll('-', '_'))) return 'after';
  return (GRAPH_KEYS as readonly string[]).includes(word) ? undefined : nearestName(word, GRAPH_KEYS) as GraphKey | undefined;
}

/** The graph setting a prompt line looks like, if any; a line whose colon is escaped (`After\:`) is text on purpose. */
export function readLooseKey(text: string, line: number): LooseKey | undefined {
  const [, , word, backslashes, rest] = WORD_LINE.exec(text) ?? [];
  if (word === undefined || backslashes !== '' || rest === undefined) return undefined;
  const key = lookalike(word);
  return key === undefined ? undefined : { word, key, value: rest.trim(), line };
}

/**
 * A line whose word looks like a graph setting, with one backslash fewer before its colon, as
 * `after\:` is read; undefined for any other line. `escapeLooseKey` is its inverse.
 */
export function unescapeLooseKey(text: string): string | undefined {
  const [, prefix, word, backslashes, rest] = WORD_LINE.exec(text) ?? [];
  if (prefix === undefined || word === undefined || !backslashes || rest === undefined || !lookalike(word)) return undefined;
  return `${prefix}${backslashes.slice(1)}:${rest}`;
}

/** A prompt line that would read as a loose key (or as an escaped one) gets one more backslash before its colon. */
export function escapeLooseKey(text: string): string {
  const [, prefix, word, backslashes, rest] = WORD_LINE.exec(text) ?? [];
  if (prefix === undefined || word === undefined || backslashes === undefined || rest === undefined || !lookalike(word)) return text;
  return `${prefix}\\${backslashes}:${rest}`;
}

/**
 * Errors for the loose keys of task `taskId` that are surely meant as settings: ids after
 * `after`/`then` that all name tasks of the goal (`ids`), or a list or glob after `foreach`.
 */
export function looseKeyErrors(file: string, taskId: string, loose: readonly LooseKey[], ids: ReadonlySet<string>): GoalError[] {
  return loose.filter((l) => meantAsSetting(l, ids)).map((l) => ({
    code: 'task-option', file, line: l.line,
    message: `"${l.word}:" is not a task setting, so this line is prompt text of task "${taskId}" and sets nothing;` +
      ` did you mean "${l.key}: ${l.value}"? (To keep it as text, write "${l.word}\\:".)`,
  }));
}

function meantAsSetting(l: LooseKey, ids: ReadonlySet<string>): boolean {
  if (l.key === 'foreach') return FOREACH_VALUE.test(l.value);
  const named = (ID_LIST.exec(l.value)?.[1] ?? '').split(ID_SEPARATOR).filter((id) => id !== '');
  return named.length > 0 && named.every((id) => ids.has(id));
}
