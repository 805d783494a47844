/** Goal files: the format's types, the parser, graph checks, fan-out, formatting and the prompt each task gets. */
export type { Goal, GoalError, GoalResult, GoalTask, SessionOptions } from './types.js';
export { formatGoalError } from './types.js';
export { MAX_GOAL_BYTES, SINGLE_TASK_ID, parseGoal, readBase } from './parse.js';
export type { ParseOptions } from './parse.js';
export { PERMISSION_MODES } from './settings.js';
export { MAX_FOREACH_ITEMS } from './fanout.js';
export { MAX_TIMEOUT_MS, formatDuration, parseDuration } from './duration.js';
export { topologicalOrder, validateGraph } from './graph.js';
export { composePrompt } from './prompt.js';
export { formatGoal } from './format.js';
export { DEFAULT_PRIORITY, taskEstimates, taskPriority, taskSession, taskTimeoutMs } from './task-settings.js';
