/**
 * The goal being readied: dropped, opened or pasted text → `goal.check` → (no task list →
 * `goal.plan`) → review of the tasks, with the text editable → `run.start`. Problems come
 * back as values with line numbers and are shown, never thrown.
 */
import type { GoalCheck, GoalProblem } from '../../shared/bridge/contract.js';
import { messageOf, type SliceContext } from './context.js';

export type GoalPhase = 'idle' | 'checking' | 'planning' | 'review' | 'invalid' | 'starting';
export type CheckedGoal = Extract<GoalCheck, { ok: true }>;

export interface GoalDraft {
  phase: GoalPhase;
  name: string;
  text: string;
  /** The text changed since it was last checked: the review is stale until checked again. */
  edited: boolean;
  /** The last successful check or plan. */
  checked: CheckedGoal | null;
  problems: GoalProblem[];
  /** A failed call (not a goal problem): planning failed, the bridge went away. */
  error: string | null;
  /** While planning: the planner's session, whose terminal can be watched (`goal.planning`). */
  planId: string | null;
}

export const EMPTY_GOAL: GoalDraft = { phase: 'idle', name: '', text: '', edited: false, checked: null, problems: [], error: null, planId: null };

export interface GoalSlice {
  goal: GoalDraft;
  /** Takes a goal's text (from a drop, the file picker or a paste) and checks it. */
  openGoal(name: string, text: string): Promise<void>;
  editGoal(text: string): void;
  /** Checks the (edited) text again. */
  checkGoal(): Promise<void>;
  /** Asks the planner for a task list. */
  planGoal(): Promise<void>;
  /** The driver's planner is at work on the goal `name` (ours, if we are planning it). */
  planningStarted(planId: string, name: string): void;
  /** Starts the run; resolves to its id, or null when it did not start. */
  startRun(): Promise<string | null>;
  discardGoal(): void;
}

export function createGoalSlice({ bridge, set, get }: SliceContext): GoalSlice {
  // Each check or plan gets a number; an answer for an older one (the user dropped another goal
  // meanwhile) is ignored.
  let generation = 0;
  const patch = (p: Partial<GoalDraft>): void => set((s) => ({ goal: { ...s.goal, ...p } }));
  const apply = (result: GoalCheck): void => {
    if (result.ok) patch({ phase: 'review', text: result.text, edited: false, checked: result, problems: [], error: null });
    else patch({ phase: 'invalid', problems: result.problems, checked: null, error: null });
  };
  const plan = async (): Promise<void> => {
    const mine = ++generation;
    const { name, text } = get().goal;
    patch({ phase: 'planning', error: null, planId: null });
    try {
      const result = await bridge.call('goal.plan', { name, text });
      if (mine === generation) apply(result);
    } catch (err) {
      if (mine === generation) patch({ phase: 'invalid', error: `Planning failed: ${messageOf(err)}` });
    } finally {
      if (mine === generation) patch({ planId: null });
    }
  };
  const check = async (): Promise<void> => {
    const mine = ++generation;
    const { name, text } = get().goal;
    patch({ phase: 'checking', error: null });
    try {
      const result = await bridge.call('goal.check', { name, text });
      if (mine !== generation) return;
      apply(result);
      if (result.ok && !result.hasTaskList) await plan();
    } catch (err) {
      if (mine === generation) patch({ phase: 'invalid', error: `Could not check the goal: ${messageOf(err)}` });
    }
  };
  return {
    goal: EMPTY_GOAL,
    openGoal: async (name, text) => {
      set({ goal: { ...EMPTY_GOAL, name, text }, view: 'run' });
      await check();
    },
    editGoal: (text) => patch({ text, edited: true }),
    checkGoal: check,
    planGoal: plan,
    planningStarted: (planId, name) => {
      const goal = get().goal;
      if (goal.phase === 'planning' && goal.name === name) patch({ planId });
    },
    startRun: async () => {
      const goal = get().goal;
      if (goal.phase !== 'review' || !goal.checked?.hasTaskList) return null;
      const mine = ++generation;
      patch({ phase: 'starting', error: null });
      try {
        const result = await bridge.call('run.start', { name: goal.name, text: goal.text });
        if (mine !== generation) return null;
        if (!result.ok) {
          patch({ phase: 'invalid', problems: result.problems });
          return null;
        }
        set({ goal: EMPTY_GOAL, view: 'run', selectedTaskId: null });
        set((s) => ({ history: { ...s.history, opened: null } }));
        void get().followRun(result.runId);
        return result.runId;
      } catch (err) {
        if (mine === generation) patch({ phase: 'review', error: `The run did not start: ${messageOf(err)}` });
        return null;
      }
    },
    discardGoal: () => {
      generation++;
      set({ goal: EMPTY_GOAL });
    },
  };
}
