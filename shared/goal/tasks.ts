/** The `## Tasks` section: one task per top-level list item, its details indented below it. */
import { ID_PATTERN } from '../constants.js';
import type { LineKind } from './markdown.js';
import { dedent, isBlank, isIndented, trimBlankLines } from './text.js';
import type { GoalError, GoalTask } from './types.js';

const ITEM = /^[-*][ \t]+(.*)$/;
const AFTER = /^[ \t]+after[ \t]*:(.*)$/;
const BRACKETED = /^\[(.*)\]$/;
const DEPENDENCY_SEPARATOR = /[\s,]+/;

const ITEM_FORM = '"- <id>: <title>"';
const ID_RULE = 'use letters, digits, "-" and "_", start with a letter or digit, at most 64 characters';
const LONE_CODE_BLOCK = `a code block cannot stand on its own in the Tasks section: indent it under a task written ${ITEM_FORM}`;
const UNINDENTED_AFTER = /^after[ \t]*:/;

/** The lines of a Tasks section: content lines are [start, end); the heading is the line before. */
export interface TaskSection {
  lines: readonly string[];
  kinds: readonly LineKind[];
  start: number;
  end: number;
}

interface Draft {
  task: GoalTask;
  body: string[];
}

/**
 * Parses a Tasks section. A task whose title is empty is still returned: validateGraph reports
 * it as `empty-prompt`, and keeping it spares its dependents a misleading unknown-dependency error.
 */
export function parseTaskSection(file: string, section: TaskSection): { tasks: GoalTask[]; errors: GoalError[] } {
  const { lines, kinds, start, end } = section;
  const tasks: GoalTask[] = [];
  const errors: GoalError[] = [];
  const fail = (index: number, message: string) => errors.push({ code: 'task-syntax', file, line: index + 1, message });
  let draft: Draft | undefined;
  // After a bad line, its indented continuation is skipped rather than reported line by line.
  let skipping = false;
  let inTopLevelFence = false;
  const finish = () => {
    if (draft) tasks.push({ ...draft.task, body: trimBlankLines(dedent(draft.body)).join('\n') });
    draft = undefined;
  };

  for (let index = start; index < end; index += 1) {
    const line = lines[index] ?? '';
    const kind = kinds[index] ?? 'text';
    if (isBlank(line)) {
      draft?.body.push('');
    } else if (isIndented(line)) {
      if (draft) addBodyLine(draft, line, kind);
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
        draft = { task: { ...item, body: '', after: [], line: index + 1 }, body: [] };
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
    if (UNINDENTED_AFTER.test(line)) return '"after:" belongs to a task: indent it under the task it is for';
    return `only tasks may start a line in the Tasks section: write each as ${ITEM_FORM} and indent its details`;
  }
  const colon = rest.indexOf(':');
  if (colon < 0) return `this task has no id: write it as ${ITEM_FORM}`;
  const id = rest.slice(0, colon).trim();
  if (id === '') return `this task has no id before ":": write it as ${ITEM_FORM}`;
  if (!ID_PATTERN.test(id)) return `"${id}" is not a valid task id: ${ID_RULE}`;
  return { id, title: rest.slice(colon + 1).trim() };
}

/** Adds a line under an item: an `after:` line outside code sets dependencies, the rest is body. */
function addBodyLine(draft: Draft, line: string, kind: LineKind): void {
  const after = kind === 'text' ? AFTER.exec(line)?.[1] : undefined;
  if (after === undefined) {
    draft.body.push(line);
    return;
  }
  const list = after.trim();
  const items = (BRACKETED.exec(list)?.[1] ?? list).split(DEPENDENCY_SEPARATOR).filter((id) => id !== '');
  for (const id of items) {
    if (!draft.task.after.includes(id)) draft.task.after.push(id);
  }
}
