/**
 * The live run: its facts, its tasks by id (kept current by `task.status`), and which tasks
 * have a terminal pane. Terminal output itself never comes here (see terminal/).
 */
import type { RunView, TaskView } from '../../shared/bridge/views.js';
import { isActive, LIVE_RUN_STATUSES } from '../logic/task-status.js';
import type { SliceContext } from './context.js';

export interface LiveRun {
  /** The run's facts as last sent; its `tasks` array is stale, read `tasks`/`order` instead. */
  run: RunView;
  tasks: Record<string, TaskView>;
  /** Task ids in goal order. */
  order: string[];
  /** The latest status detail per task (why it failed, what it waits for). */
  details: Record<string, string>;
  /** When `run` arrived, for the elapsed time between updates. */
  receivedAt: number;
  /** Tasks that got a terminal pane, in the order they started; a finished one stays until dismissed. */
  panes: string[];
}

export interface RunSlice {
  live: LiveRun | null;
  /** Reads the run in progress, if any (after a reload or a reconnect). */
  loadActiveRun(): Promise<void>;
  /** Makes `runId` the live run (once it started), unless `run.started` already did. */
  followRun(runId: string): Promise<void>;
  runStarted(run: RunView): void;
  runFinished(run: RunView): void;
  taskStatus(runId: string, task: TaskView, detail?: string): void;
  cancelRun(): Promise<void>;
  cancelTask(taskId: string): Promise<void>;
  retryTask(taskId: string): Promise<void>;
  /** Closes a finished task's pane; a live session keeps its pane (its output must be read). */
  dismissPane(taskId: string): void;
}

export function liveRunOf(run: RunView, receivedAt: number, previous?: LiveRun | null): LiveRun {
  const same = previous?.run.runId === run.runId ? previous : undefined;
  const panes = new Set(same?.panes ?? []);
  for (const t of run.tasks) if (isActive(t.status)) panes.add(t.id);
  return {
    run,
    tasks: Object.fromEntries(run.tasks.map((t) => [t.id, t])),
    order: run.tasks.map((t) => t.id),
    details: same?.details ?? {},
    receivedAt,
    panes: [...panes],
  };
}

/** Time the run has taken: the driver's figure, plus the time since it came while the run goes on. */
export function elapsedOf(live: LiveRun, now: number): number {
  const growing = LIVE_RUN_STATUSES.has(live.run.status);
  return live.run.elapsedMs + (growing ? Math.max(0, now - live.receivedAt) : 0);
}

/** The live run's tasks in goal order. */
export function tasksOf(live: LiveRun): TaskView[] {
  return live.order.map((id) => live.tasks[id]).filter((t): t is TaskView => t !== undefined);
}

export function createRunSlice({ bridge, set, get, now, fail }: SliceContext): RunSlice {
  const taskCall = async (method: 'task.cancel' | 'task.retry', taskId: string, what: string): Promise<void> => {
    const live = get().live;
    if (!live) return;
    try {
      await bridge.call(method, { runId: live.run.runId, taskId });
    } catch (err) {
      fail(`Could not ${what} task ${taskId}`, err);
    }
  };
  const fetching = new Set<string>();
  const fetchRun = async (runId: string): Promise<void> => {
    try {
      const run = await bridge.call('run.get', { runId });
      set((s) => ({ live: liveRunOf(run, now(), s.live) }));
    } catch (err) {
      fail(`Could not read run ${runId}`, err);
    }
  };
  return {
    live: null,
    loadActiveRun: async () => {
      try {
        const { runs } = await bridge.call('runs.list', {});
        const active = runs.find((r) => r.status === 'running' || r.status === 'planning');
        if (active) await fetchRun(active.runId);
      } catch (err) {
        fail('Could not look for a run in progress', err);
      }
    },
    followRun: async (runId) => {
      if (get().live?.run.runId !== runId) await fetchRun(runId);
    },
    runStarted: (run) => set((s) => ({ live: liveRunOf(run, now(), s.live) })),
    runFinished: (run) => set((s) => ({ live: liveRunOf(run, now(), s.live) })),
    taskStatus: (runId, task, detail) => {
      const live = get().live;
      if (!live || live.run.runId !== runId) {
        // A run this page has not seen start (another window started it): read it whole, once.
        if (!fetching.has(runId)) {
          fetching.add(runId);
          void fetchRun(runId).finally(() => fetching.delete(runId));
        }
        return;
      }
      set({
        live: {
          ...live,
          tasks: { ...live.tasks, [task.id]: task },
          order: live.order.includes(task.id) ? live.order : [...live.order, task.id],
          details: detail === undefined ? live.details : { ...live.details, [task.id]: detail },
          panes: isActive(task.status) && !live.panes.includes(task.id) ? [...live.panes, task.id] : live.panes,
        },
      });
    },
    cancelRun: async () => {
      const live = get().live;
      if (!live) return;
      try {
        await bridge.call('run.cancel', { runId: live.run.runId });
      } catch (err) {
        fail('Could not cancel the run', err);
      }
    },
    cancelTask: (taskId) => taskCall('task.cancel', taskId, 'cancel'),
    retryTask: (taskId) => taskCall('task.retry', taskId, 'retry'),
    dismissPane: (taskId) => {
      const live = get().live;
      const task = live?.tasks[taskId];
      if (!live || (task && isActive(task.status))) return;
      set({ live: { ...live, panes: live.panes.filter((id) => id !== taskId) } });
    },
  };
}
