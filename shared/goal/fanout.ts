/**
 * Fan-out: a task with `foreach:` becomes one task per item (a file matching a glob, or a value
 * of a literal list), and `then:` names tasks that wait for all of them.
 */
import { didYouMean } from '../did-you-mean.js';
import type { ForEach, TaskDraft } from './task-options.js';
import type { GoalError, GoalTask } from './types.js';

/** What parseGoal needs from outside to fan out over files; the core itself reads no files. */
export interface FanOutOptions {
  /** The repository's files that match a glob, as paths relative to its root with `/`. */
  matchFiles?: (glob: string) => string[];
  /** Where matchFiles looks, as messages name it, e.g. `main (1a2b3c4d5e6f)`. */
  filesAt?: string;
}

/** The longest id ID_PATTERN allows; an expanded id is cut to fit. */
export const MAX_TASK_ID_LENGTH = 64;
/** Most tasks one `foreach:` may make: more is almost surely a glob that matches too much. */
export const MAX_FOREACH_ITEMS = 1000;

/** Replaced by the item in an expanded task's title and prompt. */
const ITEM_PLACEHOLDER = /\{\{[ \t]*item[ \t]*\}\}/g;
const NOT_ID_CHARS = /[^A-Za-z0-9_-]+/g;
const DASHES = /-{2,}/g;
const EDGE_DASHES = /^-+|-+$/g;
const TRAILING_DASHES = /-+$/;

/**
 * Adds each `then:` as a dependency of the task it names on the foreach task, so that the
 * graph can be checked before fan-out (the cycles are the same either way, and the messages
 * name the tasks as written). Reports `then:` lines naming an unknown task or the task itself.
 */
export function linkThen(file: string, drafts: readonly TaskDraft[]): GoalError[] {
  const errors: GoalError[] = [];
  const byId = new Map<string, TaskDraft>();
  for (const draft of drafts) if (!byId.has(draft.task.id)) byId.set(draft.task.id, draft);
  for (const draft of drafts) {
    const { id } = draft.task;
    for (const then of draft.then) {
      const target = byId.get(then.id);
      if (then.id === id) {
        errors.push({ code: 'task-option', file, line: then.line, message: `task "${id}" names itself in "then": name the task that should wait for all its items` });
      } else if (!target) {
        errors.push({ code: 'unknown-dependency', file, line: then.line, message: `task "${id}" says then "${then.id}", which is not a task in this goal${didYouMean(then.id, byId.keys())}` });
      } else if (!target.task.after.includes(id)) {
        target.task.after.push(id);
      }
    }
  }
  return errors;
}

/**
 * The tasks with every foreach task replaced by its expansions, in place, and every dependency
 * on a foreach task replaced by dependencies on all its expansions.
 */
export function expandFanOut(file: string, drafts: readonly TaskDraft[], options: FanOutOptions): { tasks: GoalTask[]; errors: GoalError[] } {
  const errors: GoalError[] = [];
  const fail = (code: GoalError['code'], line: number, message: string) => errors.push({ code, file, line, message });
  // Ids written in the file, and the line of each: expansions may not take them.
  const taken = new Map<string, string>();
  for (const { task, foreach } of drafts) {
    if (!foreach && !taken.has(task.id)) taken.set(task.id, `the task at line ${task.line}`);
  }
  const expansions = new Map<string, GoalTask[]>();
  for (const { task, foreach } of drafts) {
    if (!foreach || expansions.has(task.id)) continue;
    const items = itemsOf(task, foreach, options, (message) => fail('foreach', foreach.line, message));
    const made = expand(task, items, (message) => fail('foreach', foreach.line, message));
    for (const copy of made) {
      const owner = taken.get(copy.id);
      if (owner) fail('duplicate-id', foreach.line, `"foreach" of task "${task.id}" makes task "${copy.id}", which is already the id of ${owner}`);
      else taken.set(copy.id, `a task made by the "foreach" of task "${task.id}" at line ${foreach.line}`);
    }
    expansions.set(task.id, made);
  }
  const rewire = (task: GoalTask): GoalTask => ({ ...task, after: unique(task.after.flatMap((id) => expansions.get(id)?.map((t) => t.id) ?? [id])) });
  const tasks = drafts.flatMap(({ task, foreach }) => (foreach ? expansions.get(task.id) ?? [] : [task]).map(rewire));
  return { tasks, errors };
}

/** The items a foreach names; reports a glob that matches nothing, an empty list, or too many. */
function itemsOf(task: GoalTask, foreach: ForEach, options: FanOutOptions, fail: (message: string) => void): string[] {
  const { source } = foreach;
  let items: string[];
  if ('items' in source) {
    items = source.items;
    if (items.length === 0) fail(`"foreach" of task "${task.id}" lists no items: give at least one, like [en, de]`);
  } else if (!options.matchFiles) {
    fail(`foreach ${source.glob} cannot be matched: no repository files were given to match it against`);
    return [];
  } else {
    items = options.matchFiles(source.glob);
    const where = options.filesAt === undefined ? 'the repository' : `the repository at ${options.filesAt}`;
    if (items.length === 0) fail(`foreach ${source.glob} matched no file in ${where}`);
  }
  if (items.length > MAX_FOREACH_ITEMS) {
    fail(`"foreach" of task "${task.id}" has ${items.length} items; one foreach makes at most ${MAX_FOREACH_ITEMS} tasks: narrow it`);
    return [];
  }
  return items;
}

/** One copy of the task per item, with ids `<id>-<slug>` unique among themselves. */
function expand(task: GoalTask, items: readonly string[], fail: (message: string) => void): GoalTask[] {
  const used = new Set<string>();
  const made: GoalTask[] = [];
  for (const [index, item] of items.entries()) {
    const id = uniqueId(task.id, slug(item) || String(index + 1), used);
    if (id === undefined) {
      fail(`task id "${task.id}" is too long to fan out: a "foreach" adds "-<item>" to it, and an id has at most ${MAX_TASK_ID_LENGTH} characters`);
      return [];
    }
    used.add(id);
    const fill = (text: string) => text.replace(ITEM_PLACEHOLDER, () => item);
    made.push({ ...task, id, title: fill(task.title), body: fill(task.body), after: [...task.after], item });
  }
  return made;
}

/** Letters, digits, `-` and `_` of the item; every other run of characters becomes one `-`. */
export function slug(item: string): string {
  return item.replace(NOT_ID_CHARS, '-').replace(DASHES, '-').replace(EDGE_DASHES, '');
}

/** `<base>-<slug>`, or `<base>-<slug>-2`, `-3`… if taken, the slug cut to fit; undefined if nothing fits. */
function uniqueId(base: string, itemSlug: string, used: ReadonlySet<string>): string | undefined {
  for (let n = 1; ; n += 1) {
    const suffix = n === 1 ? '' : `-${n}`;
    const room = MAX_TASK_ID_LENGTH - base.length - 1 - suffix.length;
    if (room < 1) return undefined;
    const id = `${base}-${itemSlug.slice(0, room).replace(TRAILING_DASHES, '')}${suffix}`;
    if (!used.has(id)) return id;
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
