/**
 * What a journal says about each task of a run that stopped: merged, ended, collected but not
 * merged, or under way on an agent — the state `Run` starts from when it resumes.
 */
import type { Goal } from '../../shared/goal/types.js';
import type { TaskSpec } from '../../shared/protocol/control.js';
import type { JournalEvent } from './run-journal.js';

export interface ResumedTask {
  status: 'merged' | 'failed' | 'blocked' | 'pending';
  commit?: string | null;
  error?: string;
  attempts: number;
  starts: number;
  /** Its last attempt, when one was sent and has not settled. */
  attempt?: {
    agentId: string;
    spec: TaskSpec;
    /** The last result collected (in the user's repo, not yet merged). */
    received?: { turn: number; ok: boolean; commit: string | null; ref?: string };
  };
}

export interface ResumeState {
  runId: string;
  goal: Goal;
  base: string;
  branch: string;
  /** The run branch's head as last merged (the base when nothing merged). */
  head: string;
  tasks: Map<string, ResumedTask>;
  /** The journal says the run ended. */
  finished: boolean;
}

export function foldJournal(events: JournalEvent[]): ResumeState {
  const first = events[0];
  if (first?.type !== 'started') throw new Error('the journal does not start with the run');
  const state: ResumeState = { runId: first.runId, goal: first.goal, base: first.base, branch: first.branch, head: first.base, tasks: new Map(), finished: false };
  const task = (id: string): ResumedTask => {
    let t = state.tasks.get(id);
    if (!t) state.tasks.set(id, (t = { status: 'pending', attempts: 0, starts: 0 }));
    return t;
  };
  for (const e of events.slice(1)) {
    switch (e.type) {
      case 'started':
        throw new Error('the journal holds two runs');
      case 'dispatched':
        Object.assign(task(e.taskId), { status: 'pending', attempts: e.attempts, starts: e.starts, attempt: { agentId: e.agentId, spec: e.spec } });
        break;
      case 'received': {
        const t = task(e.taskId);
        if (t.attempt?.spec.taskId === e.agentTaskId) t.attempt.received = { turn: e.turn, ok: e.ok, commit: e.commit, ...(e.ref ? { ref: e.ref } : {}) };
        break;
      }
      case 'merged':
        Object.assign(task(e.taskId), { status: 'merged', commit: e.commit, attempt: undefined });
        state.head = e.head;
        break;
      case 'settled':
        Object.assign(task(e.taskId), { status: e.status, error: e.error, attempt: undefined });
        break;
      case 'finished':
        state.finished = true;
        break;
      case 'reopened':
        state.finished = false;
        for (const id of e.taskIds) Object.assign(task(id), { status: 'pending', error: undefined, attempt: undefined });
        break;
    }
  }
  return state;
}
