/** Reading a goal from a dropped, picked or pasted source. */
import { MAX_GOAL_BYTES } from '../../shared/goal/parse.js';

/** The hidden file input Ctrl/Cmd+O and the "Open goal" buttons click. */
export const GOAL_INPUT_ID = 'goal-file-input';
/** File types offered in the picker (any file may still be dropped). */
export const GOAL_FILE_ACCEPT = '.md,.markdown,.txt,text/markdown,text/plain';
/** The name a pasted goal goes by in messages. */
export const PASTED_GOAL_NAME = 'pasted-goal.md';

export type GoalRead = { ok: true; name: string; text: string } | { ok: false; message: string };

export async function readGoalFile(file: File): Promise<GoalRead> {
  if (file.size > MAX_GOAL_BYTES) {
    return { ok: false, message: `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MiB; a goal file may be at most ${MAX_GOAL_BYTES / 1024 / 1024} MiB` };
  }
  try {
    return { ok: true, name: file.name, text: await file.text() };
  } catch (err) {
    return { ok: false, message: `Could not read ${file.name}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function openGoalPicker(): void {
  document.getElementById(GOAL_INPUT_ID)?.click();
}
