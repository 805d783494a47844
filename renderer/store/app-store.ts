/**
 * The renderer's one store, built from slices. It takes the `BridgeApi` as a parameter, so the
 * app gets the Electron or WebSocket bridge and tests get a fake written in the test.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BridgeApi } from '../../shared/bridge/contract.js';
import { createAgentsSlice, type AgentsSlice } from './agents-slice.js';
import { createAppInfoSlice, type AppInfoSlice } from './app-slice.js';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice.js';
import { messageOf, type SliceContext } from './context.js';
import { createDetailSlice, type DetailSlice } from './detail-slice.js';
import { createGoalSlice, type GoalSlice } from './goal-slice.js';
import { createHistorySlice, type HistorySlice } from './history-slice.js';
import { createNoticesSlice, type NoticesSlice } from './notices-slice.js';
import { createPullRequestSlice, type PullRequestSlice } from './pull-request-slice.js';
import { createRunSlice, type RunSlice } from './run-slice.js';
import { createSettingsSlice, type SettingsSlice } from './settings-slice.js';
import { createUiSlice, type UiSlice } from './ui-slice.js';

export type AppState = ConnectionSlice & AppInfoSlice & AgentsSlice & RunSlice & GoalSlice & HistorySlice & SettingsSlice & NoticesSlice & UiSlice & DetailSlice & PullRequestSlice;
export type AppStore = StoreApi<AppState>;

export interface StoreOptions {
  now?: () => number;
}

export function createAppStore(bridge: BridgeApi, options: StoreOptions = {}): AppStore {
  return createStore<AppState>()((set, get) => {
    const ctx: SliceContext = {
      bridge,
      set,
      get,
      now: options.now ?? Date.now,
      fail: (what, err) => {
        // Once the bridge is gone every pending call fails; the banner says so once.
        if (get().connection.state === 'disconnected') return;
        get().notify('error', `${what}: ${messageOf(err)}`);
      },
    };
    return {
      ...createConnectionSlice(ctx),
      ...createAppInfoSlice(ctx),
      ...createAgentsSlice(ctx),
      ...createRunSlice(ctx),
      ...createGoalSlice(ctx),
      ...createHistorySlice(ctx),
      ...createSettingsSlice(ctx),
      ...createNoticesSlice(ctx),
      ...createUiSlice(ctx),
      ...createDetailSlice(ctx),
      ...createPullRequestSlice(ctx),
    };
  });
}

/** Feeds the driver's notifications into the store; returns the unsubscribe. */
export function wireBridgeEvents(store: AppStore, bridge: BridgeApi): () => void {
  const s = (): AppState => store.getState();
  const offs = [
    bridge.on('agents.changed', ({ agents }) => s().agentsChanged(agents)),
    bridge.on('run.started', ({ run }) => s().runStarted(run)),
    bridge.on('task.status', ({ runId, task, detail }) => s().taskStatus(runId, task, detail)),
    bridge.on('run.finished', ({ run }) => {
      s().runFinished(run);
      // The history list shows the run's final status.
      void s().loadHistory();
    }),
    // The desktop shell's File ▸ Open Goal…: the same as dropping the file on the window.
    bridge.on('goal.opened', ({ name, text }) => void s().openGoal(name, text)),
    bridge.on('goal.planning', ({ planId, name }) => s().planningStarted(planId, name)),
    bridge.on('notice', ({ level, message, runId, taskId }) => s().notify(level, message, { ...(runId ? { runId } : {}), ...(taskId ? { taskId } : {}) })),
  ];
  return () => offs.forEach((off) => off());
}

/** Everything the first screen needs, read in parallel. */
export async function loadInitialState(store: AppStore): Promise<void> {
  const s = store.getState();
  await Promise.all([s.loadAppInfo(), s.loadAgents(), s.loadSettings(), s.loadHistory(), s.loadActiveRun()]);
}
