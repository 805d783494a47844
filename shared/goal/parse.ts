/** The goal-file parser: text in, a validated Goal or every error found out. See FORMAT.md. */
import { expandFanOut, linkThen } from './fanout.js';
import type { FanOutOptions } from './fanout.js';
import { parseFrontMatter } from './front-matter.js';
import { validateGraph } from './graph.js';
import { looseKeyErrors } from './loose-keys.js';
import { classifyLines, headingOf } from './markdown.js';
import type { LineKind } from './markdown.js';
import { parseTaskSection } from './tasks.js';
import { splitLines, trimBlank, utf8Length } from './text.js';
import type { Goal, GoalError, GoalResult, GoalTask } from './types.js';

/** Largest goal file parsed; a goal is prose, so anything bigger is almost surely the wrong file. */
export const MAX_GOAL_BYTES = 1024 * 1024;

/** The id of the single task made from a goal file without a `## Tasks` section. */
export const SINGLE_TASK_ID = 'goal';

const TITLE_LEVEL = 1;
const TASKS_LEVEL = 2;
const TASKS_HEADING = 'tasks';
const BYTES_PER_MIB = 1024 * 1024;
const EMPTY_GOAL = 'the goal file says nothing to do: write the goal below its title, or list tasks under "## Tasks"';

/** Where the title and the Tasks section are, as 0-based line indexes. */
interface Layout {
  title?: { index: number; text: string };
  /** The Tasks heading, and the end (exclusive) of its section. */
  tasks?: { heading: number; end: number };
  errors: GoalError[];
}

/** How parseGoal reaches outside the text: the repository files `foreach:` globs match. */
export type ParseOptions = FanOutOptions;

/**
 * Parses and validates a goal file. `file` is used for messages and, when the file has no
 * `# ` heading, for the title. Every error found is reported, sorted by line. Tasks with
 * `foreach:` are fanned out; a glob needs `options.matchFiles`.
 */
export function parseGoal(file: string, text: string, options: ParseOptions = {}): GoalResult {
  // text.length counts UTF-16 units, never more than the UTF-8 bytes, so the cheap test goes first.
  if (text.length > MAX_GOAL_BYTES || utf8Length(text) > MAX_GOAL_BYTES) {
    const size = (utf8Length(text) / BYTES_PER_MIB).toFixed(1);
    const message = `the goal file is ${size} MiB; a goal file may be at most ${MAX_GOAL_BYTES / BYTES_PER_MIB} MiB`;
    return { ok: false, errors: [{ code: 'too-large', file, line: 0, message }] };
  }
  const lines = splitLines(text);
  const frontMatter = parseFrontMatter(file, lines);
  if (frontMatter.bodyStart === undefined) return { ok: false, errors: frontMatter.errors };
  const bodyStart = frontMatter.bodyStart;
  // Front matter lines are never Markdown, so fences are tracked from the body on.
  const kinds: LineKind[] = [...lines.slice(0, bodyStart).map((): LineKind => 'text'), ...classifyLines(lines.slice(bodyStart))];
  const layout = findLayout(file, lines, kinds, bodyStart);
  const title = layout.title?.text ?? baseName(file);
  const contextLines = lines
    .map((line, index) => ({ line, index }))
    .filter(({ index }) => index >= bodyStart && index !== layout.title?.index && !inside(index, layout.tasks));
  const context = trimBlank(contextLines, (c) => c.line);
  const errors = [...frontMatter.errors, ...layout.errors];
  let tasks: GoalTask[];
  if (layout.tasks) {
    const section = parseTaskSection(file, { lines, kinds, start: layout.tasks.heading + 1, end: layout.tasks.end });
    errors.push(...section.errors, ...linkThen(file, section.tasks));
    const ids = new Set(section.tasks.map((d) => d.task.id));
    for (const d of section.tasks) errors.push(...looseKeyErrors(file, d.task.id, d.loose, ids));
    // The graph is checked as written, foreach tasks as one each: its messages then name what the file says.
    errors.push(...validateGraph(file, section.tasks.map((d) => d.task)));
    const expanded = expandFanOut(file, section.tasks, options);
    tasks = expanded.tasks;
    errors.push(...expanded.errors);
  } else {
    const firstLine = context[0]?.index;
    if (firstLine === undefined) {
      errors.push({ code: 'empty-goal', file, line: 0, message: EMPTY_GOAL });
    }
    const body = context.map((c) => c.line).join('\n');
    tasks = [{ id: SINGLE_TASK_ID, title, body, after: [], line: (firstLine ?? 0) + 1 }];
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  const goal: Goal = {
    file, title, context: context.map((c) => c.line).join('\n'),
    session: frontMatter.options.session, hasTaskList: layout.tasks !== undefined, tasks,
  };
  const { session: _session, ...settings } = frontMatter.options;
  return { ok: true, goal: { ...goal, ...settings } };
}

/**
 * The front matter's `base`, if the file has valid front matter that sets one. A caller that
 * fans out over files needs it before parseGoal: the globs match the files at the base.
 */
export function readBase(text: string): string | undefined {
  return parseFrontMatter('', splitLines(text)).options.base;
}

/** Finds the title (first level-1 heading) and the Tasks section, ignoring lines in code blocks. */
function findLayout(file: string, lines: readonly string[], kinds: readonly LineKind[], bodyStart: number): Layout {
  const layout: Layout = { errors: [] };
  for (let index = bodyStart; index < lines.length; index += 1) {
    const heading = kinds[index] === 'text' ? headingOf(lines[index] ?? '') : undefined;
    if (!heading) continue;
    // The section runs to the next heading of level 1 or 2; `end` is the file's end until then.
    if (layout.tasks && layout.tasks.end === lines.length && heading.level <= TASKS_LEVEL) layout.tasks.end = index;
    if (heading.level === TITLE_LEVEL && !layout.title && heading.text !== '') {
      layout.title = { index, text: heading.text };
    }
    if (heading.level !== TASKS_LEVEL || heading.text.toLowerCase() !== TASKS_HEADING) continue;
    if (layout.tasks) {
      const first = layout.tasks.heading + 1;
      const message = `a goal file has one Tasks section, and it starts at line ${first}: move these tasks there`;
      layout.errors.push({ code: 'task-syntax', file, line: index + 1, message });
    } else {
      layout.tasks = { heading: index, end: lines.length };
    }
  }
  return layout;
}

function inside(index: number, range: { heading: number; end: number } | undefined): boolean {
  return range !== undefined && index >= range.heading && index < range.end;
}

/** `path/to/add-greeting.md` → `add-greeting`; the title of a goal file without a `# ` heading. */
function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  const stem = name.replace(/\.[^.]*$/, '');
  return stem === '' ? name : stem;
}
