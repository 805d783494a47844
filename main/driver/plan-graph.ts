/**
 * The planner's answer, from JSON to a goal: the JSON Schema Claude Code must answer with, and
 * the conversion of its structured output into goal-file text (formatGoal) that is parsed again,
 * so a planned graph passes exactly the checks a hand-written `## Tasks` list does.
 */
import { z } from 'zod';
import { ID_PATTERN } from '../../shared/constants.js';
import { formatGoal, parseGoal, validateGraph } from '../../shared/goal/index.js';
import type { Goal, GoalTask } from '../../shared/goal/types.js';

/** Most tasks a plan may have: more is not a plan a person reviews before running it. */
export const MAX_PLANNED_TASKS = 50;
/** Longest planned task title, in characters. */
export const MAX_PLANNED_TITLE_CHARS = 200;
/** Longest estimate a planned task may give, in minutes: a day's work is a goal of its own. */
export const MAX_PLANNED_MINUTES = 24 * 60;

const ID_RULE = 'letters, digits, "-" and "_", starting with a letter or digit, at most 64 characters';

/** The JSON Schema given to Claude Code (`--json-schema`) for a task graph. */
export function planSchema(): Record<string, unknown> {
  const id = { type: 'string', pattern: ID_PATTERN.source, description: `Unique task id: ${ID_RULE}` };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['tasks'],
    properties: {
      tasks: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_PLANNED_TASKS,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'title', 'prompt', 'after'],
          properties: {
            id,
            title: { type: 'string', minLength: 1, maxLength: MAX_PLANNED_TITLE_CHARS, description: 'What the task does, in one line' },
            prompt: { type: 'string', minLength: 1, description: 'Everything the session running this task needs to know to do it' },
            after: { type: 'array', uniqueItems: true, items: id, description: 'Ids of the tasks whose results this task needs; empty when it needs none' },
            minutes: { type: 'number', exclusiveMinimum: 0, maximum: MAX_PLANNED_MINUTES, description: 'Rough minutes the session will take to do this task' },
          },
        },
      },
    },
  };
}

/** One task as the planner answers it. */
const PlannedTask = z.object({
  id: z.string(),
  title: z.string(),
  prompt: z.string(),
  after: z.array(z.string()),
  minutes: z.number().positive().max(MAX_PLANNED_MINUTES).optional(),
});
export type PlannedTask = z.infer<typeof PlannedTask>;
const Plan = z.object({ tasks: z.array(PlannedTask) });

export type PlanConversion = { ok: true; goal: Goal; text: string } | { ok: false; error: string };

/**
 * Turns the planner's structured output into `goal` (which has no task list) with those tasks, and
 * the goal file that holds them. Every problem is described in `error`, for "the planner returned
 * an invalid task graph: …".
 */
export function goalFromPlan(goal: Goal, output: unknown): PlanConversion {
  if (output === undefined) return invalid('Claude Code gave no structured output');
  const shape = Plan.safeParse(output);
  if (!shape.success) return invalid(`it does not have the shape {tasks: [{id, title, prompt, after, minutes?}]}: ${issues(shape.error)}`);
  const planned = shape.data.tasks.map(normalize);
  if (planned.length === 0) return invalid('it lists no tasks');
  if (planned.length > MAX_PLANNED_TASKS) return invalid(`it lists ${planned.length} tasks; a plan may have at most ${MAX_PLANNED_TASKS}`);
  const problems: string[] = [];
  for (const t of planned) {
    if (!ID_PATTERN.test(t.id)) problems.push(`"${t.id}" is not a valid task id (${ID_RULE})`);
    if (!/[\p{L}\p{N}]/u.test(t.prompt)) problems.push(`task "${t.id}" has an empty prompt`);
    for (const dep of t.after) if (!ID_PATTERN.test(dep)) problems.push(`task "${t.id}" depends on "${dep}", which is not a valid task id`);
  }
  if (problems.length > 0) return invalid(problems.join('; '));
  // The graph checks of a hand-written goal: duplicate ids, empty titles, unknown deps, cycles.
  const tasks = planned.map((t, i): GoalTask => ({
    id: t.id, title: t.title, body: t.prompt, after: t.after, line: i + 1,
    // Whole seconds: an estimate is rough, and the goal file writes it back exactly.
    ...(t.minutes !== undefined ? { estimateMs: Math.max(1, Math.round(t.minutes * 60)) * 1000 } : {}),
  }));
  const graph = validateGraph(goal.file, tasks);
  if (graph.length > 0) return invalid(graph.map((e) => e.message).join('; '));

  // Written out and read back like any goal file: what runs is what the user reads.
  const text = formatGoal({ ...goal, hasTaskList: true, tasks });
  const parsed = parseGoal(goal.file, text);
  if (!parsed.ok) return invalid(parsed.errors.map((e) => `line ${e.line} of the planned goal file: ${e.message}`).join('; '));
  const back = parsed.goal.tasks;
  const same = back.length === tasks.length && tasks.every((t, i) => {
    const b = back[i];
    return b?.id === t.id && b.title === t.title && b.body === t.body && sameSet(b.after, t.after) && b.estimateMs === t.estimateMs;
  });
  if (!parsed.goal.hasTaskList || !same) return invalid('its tasks do not read back the same from the goal file written for them');
  return { ok: true, goal: parsed.goal, text };
}

/**
 * Titles are one line; prompts keep their lines, without carriage returns, trailing blanks or
 * indentation common to every line (as a goal file's task text is read).
 */
function normalize(t: PlannedTask): PlannedTask {
  const lines = t.prompt.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').replace(/^\n+|\s+$/g, '').split('\n');
  const indents = lines.filter((l) => l !== '').map((l) => /^[ \t]*/.exec(l)?.[0] ?? '');
  const common = indents.reduce(commonPrefix, indents[0] ?? '');
  return {
    id: t.id.trim(),
    title: t.title.replace(/\s+/g, ' ').trim(),
    prompt: lines.map((l) => l.slice(common.length)).join('\n'),
    after: [...new Set(t.after.map((d) => d.trim()))],
    ...(t.minutes !== undefined ? { minutes: t.minutes } : {}),
  };
}

function commonPrefix(a: string, b: string): string {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return a.slice(0, n);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((x) => left.has(x));
}

function issues(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(answer)'}: ${i.message}`).join('; ');
}

function invalid(what: string): PlanConversion {
  return { ok: false, error: what };
}
