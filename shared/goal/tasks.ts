/** The `## Tasks` section: one task per top-level list item, its details indented below it. */
import { ID_PATTERN } from '../constants.js';
import type { LineKind } from './markdown.js';
import { TASK_KEYS, applyTaskLine, readTaskLine } from './task-options.js';
import type { TaskDraft } from './task-options.js';
import { readLooseKey } from './loose-keys.js';
import { dedent, isBlank, isIndented, trimBlankLines } from './text.js';
import type { GoalError } from './types.js';

const ITEM = /^[-*][ \t]+(.*)$/;

const ITEM_FORM = '"- <id>: <title>"';
const ID_RULE = 'use letters, digits, "-" and "_", start with a letter or digit, at most 64 characters';
const LONE_CODE_BLOCK = `a code block cannot stand on its own in the Tasks section: indent it under a task written ${ITEM_FORM}`;
const UNINDENTED_KEY = new RegExp(`^(${TASK_KEYS.join('|')})[ \\t]*:`);

/** The lines of a Tasks section: content lines are [start, end); the heading is the line before. */
export interface TaskSection {
  lines: readonly string[];
  kinds: readonly LineKind[];
  start: number;
  end: number;
}

interface Draft extends TaskDraft {
  body: string[];
}

/**
 * Parses a Tasks section. A task whose title is empty is still returned: validateGraph reports
 * it as `empty-prompt`, and keeping it spares its dependents a misleading unknown-dependency error.
 */
export function parseTaskSection(file: string, section: TaskSection): { tasks: TaskDraft[]; errors: GoalError[] } {
  const { lines, kinds, start, end } = section;
  const tasks: TaskDraft[] = [];
  const errors: GoalError[] = [];
  const report = (code: GoalError['code'], line: number, message: string) => errors.push({ code, file, line, message });
  const fail = (index: number, message: string) => report('task-syntax', index + 1, message);
  let draft: Draft | undefined;
  // After a bad line, its indented continuation is skipped rather than reported line by line.
  let skipping = false;
  let inTopLevelFence = false;
  const finish = () => {
    if (!draft) return;
    const { body, ...parsed } = draft;
    parsed.task.body = trimBlankLines(dedent(body)).join('\n');
    const then = parsed.then[0];
    if (then && !parsed.foreach) report('task-option', then.line, `"then" belongs with "foreach": task "${parsed.task.id}" has no "foreach" line`);
    tasks.push(parsed);
    draft = undefined;
  };

  for (let index = start; index < end; index += 1) {
    const line = lines[index] ?? '';
    const kind = kinds[index] ?? 'text';
    if (isBlank(line)) {
      draft?.body.push('');
    } else if (isIndented(line)) {
      if (draft) addIndentedLine(draft, line, index, kind, (message) => report('task-option', index + 1, message));
      else if (!skipping) {
        fail(index, 'this indented text comes before the first task: put it under a task, or above the Tasks heading');
        skipping = true;
      }
    } else if (kind !== 'text') {
      // A code block at the start of a line is not a task; report its opening line only.
      finish();
      if (kind === 'fence' && !inTopLevelFence) fail(index, LONE_CODE_BLOCK);
      if (kind === 'fence') inTopLevelFence = !inTopLevelFence;
      skipping = true;
    } else {
      finish();
      const item = readItem(line);
      if (typeof item === 'string') {
        fail(index, item);
        skipping = true;
      } else {
        draft = { task: { ...item, body: '', after: [], line: index + 1 }, then: [], seen: new Map(), loose: [], body: [] };
        skipping = false;
      }
    }
  }
  finish();
  if (tasks.length === 0 && errors.length === 0) {
    fail(start - 1, `the Tasks section lists no tasks: write one per line as ${ITEM_FORM}`);
  }
  return { tasks, errors };
}

/** The id and title of an item line, or a message saying what is wrong with it. */
function readItem(line: string): { id: string; title: string } | string {
  const rest = ITEM.exec(line)?.[1];
  if (rest === undefined) {
    const key = UNINDENTED_KEY.exec(line)?.[1];
    if (key !== undefined) return `"${key}:" belongs to a task: indent it under the task it is for`;
    return `only tasks may start a line in the Tasks section: write each as ${ITEM_FORM} and indent its details`;
  }
  const colon = rest.indexOf(':');
  if (colon < 0) return `this task has no id: write it as ${ITEM_FORM}`;
  const id = rest.slice(0, colon).trim();
  if (id === '') return `this task has no id before ":": write it as ${ITEM_FORM}`;
  if (!ID_PATTERN.test(id)) return `"${id}" is not a valid task id: ${ID_RULE}`;
  return { id, title: rest.slice(colon + 1).trim() };
}

/** Adds a line under an item: a `key: value` line outside code sets something, the rest is body. */
function addIndentedLine(draft: Draft, line: string, index: number, kind: LineKind, fail: (message: string) => void): void {
  const read = kind === 'text' ? readTaskLine(line) : { text: line };
  if ('text' in read) {
    draft.body.push(read.text);
    // Read as written: an escaped setting (`after\:`) is text on purpose.
    const loose = kind === 'text' ? readLooseKey(line, index + 1) : undefined;
    if (loose) draft.loose.push(loose);
    return;
  }
  const problem = applyTaskLine(draft, read.key, read.value, index + 1);
  if (problem !== undefined) fail(problem);
}
