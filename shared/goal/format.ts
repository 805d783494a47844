/** Writes a goal back out as a goal file: a plan the user can read, edit and run again. */
import { stringify } from 'yaml';
import { formatDuration } from './duration.js';
import { classifyLines } from './markdown.js';
import { SESSION_KEY_FIELDS, TASK_SESSION_KEYS } from './settings.js';
import type { SessionKey } from './settings.js';
import { escapeTaskLine } from './task-options.js';
import type { Goal, GoalTask, SessionOptions } from './types.js';

/** One line per value, however long, and no block scalars: task lines hold one line each. */
const YAML_OPTIONS = { lineWidth: 0, blockQuote: false } as const;
const INDENT = '  ';
const FENCE_MARKER = /[`~]{3,}/;
const LINE_BREAKS = /\s*[\r\n]+\s*/g;

/** A line of the Markdown part, and whether it is prompt text under a task (which may need escaping). */
interface Line {
  text: string;
  prompt: boolean;
}

/**
 * The goal as a goal file: front matter for the settings it has, the title, the context and a
 * `## Tasks` list with each task's settings and prompt. parseGoal reads it back to the same
 * tasks, except for `line` and `item`: a task made by `foreach:` is written as a task of its
 * own. Session options a task line cannot set (`allowed_tools`) are left out of tasks.
 */
export function formatGoal(goal: Goal): string {
  const lines: Line[] = [{ text: `# ${oneLine(goal.title)}`, prompt: false }];
  if (goal.context !== '') lines.push({ text: '', prompt: false }, ...contextLines(goal.context));
  if (goal.hasTaskList) {
    lines.push({ text: '', prompt: false }, { text: '## Tasks', prompt: false });
    for (const task of goal.tasks) lines.push(...taskLines(task));
  }
  // Prompt lines that would read as settings are escaped, except in code, where none is read.
  const kinds = classifyLines(lines.map((l) => l.text));
  const markdown = lines.map((l, i) => (l.prompt && kinds[i] === 'text' ? escapeTaskLine(l.text) : l.text));
  return [...frontMatter(goal), ...markdown].join('\n') + '\n';
}

function frontMatter(goal: Goal): string[] {
  const data: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) data[key] = value;
  };
  set('base', goal.base);
  set('verify', goal.verify);
  set('setup', goal.setup);
  set('priority', goal.priority);
  set('timeout', goal.timeoutMs === undefined ? undefined : formatDuration(goal.timeoutMs));
  set('retries', goal.retries);
  set('verify_retries', goal.verifyRetries);
  set('budget_usd', goal.budgetUsd);
  const session = sessionEntries(goal.session, Object.keys(SESSION_KEY_FIELDS) as SessionKey[]);
  if (session.length > 0) data['session'] = Object.fromEntries(session);
  if (Object.keys(data).length === 0) return [];
  return ['---', ...stringify(data, YAML_OPTIONS).trimEnd().split('\n'), '---'];
}

/** The context's lines; one that leaves a code block open gets it closed, or the Tasks heading would be code. */
function contextLines(context: string): Line[] {
  const lines = context.split('\n');
  const kinds = classifyLines([...lines, '## Tasks']);
  if (kinds.at(-1) !== 'text') {
    const opener = lines[kinds.lastIndexOf('fence')] ?? '';
    lines.push(FENCE_MARKER.exec(opener)?.[0] ?? '```');
  }
  return lines.map((text) => ({ text, prompt: false }));
}

function taskLines(task: GoalTask): Line[] {
  const lines: Line[] = [{ text: `- ${task.id}: ${oneLine(task.title)}`, prompt: false }];
  const setting = (key: string, value: string) => lines.push({ text: `${INDENT}${key}: ${value}`, prompt: false });
  if (task.after.length > 0) setting('after', task.after.join(', '));
  if (task.priority !== undefined) setting('priority', yamlValue(task.priority));
  if (task.timeoutMs !== undefined) setting('timeout', yamlValue(formatDuration(task.timeoutMs)));
  if (task.estimateMs !== undefined) setting('estimate', yamlValue(formatDuration(task.estimateMs)));
  for (const [key, value] of sessionEntries(task.session ?? {}, TASK_SESSION_KEYS)) setting(key, yamlValue(value));
  if (task.body !== '') {
    for (const text of task.body.split('\n')) lines.push({ text: text.trim() === '' ? '' : `${INDENT}${text}`, prompt: true });
  }
  return lines;
}

/** `[goal-file key, value]` for each of `keys` the options set. */
function sessionEntries(session: SessionOptions, keys: readonly SessionKey[]): Array<[string, unknown]> {
  return keys.flatMap((key): Array<[string, unknown]> => {
    const value = session[SESSION_KEY_FIELDS[key]];
    return value === undefined ? [] : [[key, value]];
  });
}

function yamlValue(value: unknown): string {
  return stringify(value, YAML_OPTIONS).trimEnd();
}

/** Titles are one line in a goal file. */
function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ').trim();
}
