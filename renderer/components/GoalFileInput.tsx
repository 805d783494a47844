/** The hidden file picker behind "Open goal…" and Ctrl/Cmd+O. */
import { useApp } from '../app/contexts.js';
import { GOAL_FILE_ACCEPT, GOAL_INPUT_ID, readGoalFile } from '../app/goal-file.js';

export function GoalFileInput() {
  const openGoal = useApp((s) => s.openGoal);
  const notify = useApp((s) => s.notify);
  return (
    <input
      id={GOAL_INPUT_ID}
      data-testid="goal-file-input"
      type="file"
      accept={GOAL_FILE_ACCEPT}
      className="visually-hidden"
      aria-label="Open a goal file"
      onChange={(e) => {
        const file = e.currentTarget.files?.[0];
        // Cleared so picking the same file again still fires a change.
        e.currentTarget.value = '';
        if (!file) return;
        void readGoalFile(file).then((read) => (read.ok ? openGoal(read.name, read.text) : notify('error', read.message)));
      }}
    />
  );
}
