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
  /** 1-based line of the list item in the goal file (for a task made by `foreach:`, that item's line). */
  line: number;
  /** Per-task `priority:` (higher runs first); else the goal's. See taskPriority. */
  priority?: number;
  /** Per-task `timeout:`, in milliseconds; else the goal's. See taskTimeoutMs. */
  timeoutMs?: number;
  /** Per-task `estimate:`, in milliseconds: how long it should take. See taskEstimates. */
  estimateMs?: number;
  /** Per-task session options (only those the task overrides), over the goal's `session`. See taskSession. */
  session?: SessionOptions;
  /** For a task made by `foreach:`, the item (a file, or a value of the list) it was made for. */
  item?: string;
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
  /** Front matter `setup`: a shell command run in each new worktree before the session starts. */
  setup?: string;
  /** Front matter `priority`: every task's priority unless it sets its own (higher runs first; default 0). */
  priority?: number;
  /** Front matter `timeout`, in milliseconds: the most one attempt of a task may take, unless it sets its own. */
  timeoutMs?: number;
  /** Front matter `retries`: how often a failed task is retried on another agent (unset: the driver's default). */
  retries?: number;
  /** Front matter `verify_retries`: follow-up turns a failing verify may trigger before the task fails. */
  verifyRetries?: number;
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
  code:
    | 'read' | 'front-matter' | 'task-syntax' | 'task-option' | 'foreach' | 'duplicate-id' | 'unknown-dependency' | 'cycle'
    | 'empty-prompt' | 'empty-goal' | 'too-large';
  file: string;
  line: number;
  message: string;
}

export type GoalResult = { ok: true; goal: Goal } | { ok: false; errors: GoalError[] };

/** `file:line: message`, the form every goal error is shown in. */
export function formatGoalError(e: GoalError): string {
  return e.line > 0 ? `${e.file}:${e.line}: ${e.message}` : `${e.file}: ${e.message}`;
}
