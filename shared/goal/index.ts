/** Goal files: the format's types, the parser, graph checks and the prompt each task gets. */
export type { Goal, GoalError, GoalResult, GoalTask, SessionOptions } from './types.js';
export { formatGoalError } from './types.js';
export { MAX_GOAL_BYTES, SINGLE_TASK_ID, parseGoal } from './parse.js';
export { PERMISSION_MODES } from './front-matter.js';
export { topologicalOrder, validateGraph } from './graph.js';
export { composePrompt } from './prompt.js';
