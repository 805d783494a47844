/** A goal file, parsed and validated. See README "Goal files". */

/** Options for how a task's Claude Code session runs. */
export interface SessionOptions {
  /** `tui`: Claude Code's own interactive TUI (the default); `headless`: `-p` with stream-json, rendered. */
  mode?: 'tui' | 'headless';
  /** `--model` for Claude Code. */
  model?: string;
  /** `--permission-mode`. */
  permissionMode?: 'acceptEdits' | 'auto' | 'bypassPermissions' | 'default' | 'dontAsk' | 'plan';
  /** `--max-turns` (headless mode). */
  maxTurns?: number;
  /** `--max-budget-usd` (headless mode): the most one task may spend. */
  maxBudgetUsd?: number;
  /** `--allowedTools`: tools that run without asking. */
  allowedTools?: string[];
  /** `--json-schema` (headless mode): the session's answer is JSON matching this JSON Schema. */
  jsonSchema?: string;
}

export interface GoalTask {
  /** Unique within the goal; matches ID_PATTERN. */
  id: string;
  /** One line, from the list item. */
  title: string;
  /** The indented text under the item (may be empty; then the title is the prompt). */
  body: string;
  /** Ids of the tasks that must be integrated before this one starts. */
  after: string[];
  /** 1-based line of the list item in the goal file. */
  line: number;
}

export interface Goal {
  /** The file name used in messages. */
  file: string;
  /** The first `# ` heading, else the file's base name. */
  title: string;
  /** The goal's free text: everything outside the front matter and the `## Tasks` section. */
  context: string;
  /** Front matter `base`: the branch or commit to start from (default: the repo's HEAD). */
  base?: string;
  /** Front matter `verify`: a shell command that checks a task's result. */
  verify?: string;
  /** Front matter `budget_usd`: the run dispatches no new task once it has spent this much. */
  budgetUsd?: number;
  /** Front matter `session`: options for every task's Claude Code session. */
  session: SessionOptions;
  /** True when the file had a `## Tasks` list; false when the whole goal became one task. */
  hasTaskList: boolean;
  tasks: GoalTask[];
}

/** An error in a goal file; `line` is 1-based (0 when the error is about the whole file). */
export interface GoalError {
  code: 'read' | 'front-matter' | 'task-syntax' | 'duplicate-id' | 'unknown-dependency' | 'cycle' | 'empty-prompt' | 'empty-goal' | 'too-large';
  file: string;
  line: number;
  message: string;
}

export type GoalResult = { ok: true; goal: Goal } | { ok: false; errors: GoalError[] };

/** `file:line: message`, the form every goal error is shown in. */
export function formatGoalError(e: GoalError): string {
  return e.line > 0 ? `${e.file}:${e.line}: ${e.message}` : `${e.file}: ${e.message}`;
}
