/** The prompt a task's Claude Code session receives. */
import type { Goal, GoalTask } from './types.js';

/**
 * Builds the prompt for one task: the goal's title as a heading, the goal's context, then (for a
 * goal with a task list) the task's own heading and body. Lines are kept as written.
 */
export function composePrompt(goal: Goal, task: GoalTask): string {
  const parts = [`# ${goal.title}`];
  if (goal.context !== '') parts.push(goal.context);
  if (goal.hasTaskList) {
    parts.push(`## Your task: ${task.id} — ${task.title}`);
    if (task.body !== '') parts.push(task.body);
  }
  return parts.join('\n\n');
}
