/**
 * One handler per `BridgeApi` method, for one client: the compiler checks none is missing. Each
 * only delegates to the part of the app that owns the answer; expected failures are values in
 * the results (goal problems), anything else an `RpcError` with a stable code and name.
 */
import type { BridgeHandlers } from '../../shared/bridge/adapter.js';
import type { AppInfo } from '../../shared/bridge/contract.js';
import type { Settings, SettingsPatch } from '../../shared/bridge/settings.js';
import { RPC_ERROR, RpcError } from '../../shared/protocol/jsonrpc.js';
import type { AgentPool } from '../driver/pool.js';
import type { DriverStore } from '../driver/store.js';
import type { AgentDirectory } from './agents.js';
import type { ClientTerms } from './client-terms.js';
import { checkGoal } from './goal-check.js';
import { notFound, type RunBook } from './run-book.js';
import { taskDiff } from './task-diff.js';
import { fetchTaskLog, readTaskLog } from './task-log.js';
import { TERM_HISTORY_CHARS } from './term-feed.js';

/** What the handlers reach: the app's parts, shared by every client. */
export interface AppCore {
  info(): AppInfo;
  store: DriverStore;
  pool: AgentPool;
  agents: AgentDirectory;
  runs: RunBook;
  repoDir(): string | null;
  settings: { get(): Settings; set(patch: SettingsPatch): Settings };
}

const Ok = {} as const;

function refused(message: string, name: string): RpcError {
  return new RpcError(RPC_ERROR.failed, message, { name });
}

export function appHandlers(core: AppCore, terms: ClientTerms): BridgeHandlers {
  const { runs, agents } = core;
  const openTask = (runId: string, taskId: string): ReturnType<RunBook['openRun']> => {
    const run = runs.openRun(runId);
    if (!run.task(taskId)) throw notFound(`run ${runId} has no task ${taskId}`);
    return run;
  };
  return {
    'app.info': () => core.info(),
    'agents.list': () => ({ agents: agents.list() }),
    'agents.pair': async ({ addr, code }) => ({ agent: await agents.pair(addr, code) }),
    'agents.unpair': async ({ peerId }) => { await agents.unpair(peerId); return Ok; },
    'goal.check': async (goal) => (await checkGoal(goal, core.repoDir())).check,
    'goal.plan': (goal) => runs.plan(goal),
    'run.start': (goal) => runs.start(goal),
    'run.cancel': ({ runId }) => { runs.openRun(runId).cancel(); return Ok; },
    'run.get': ({ runId }) => runs.get(runId),
    'run.pullRequest': ({ runId }) => runs.pullRequest(runId),
    'runs.list': async () => ({ runs: await runs.list() }),
    'task.cancel': ({ runId, taskId }) => {
      if (!openTask(runId, taskId).cancelTask(taskId)) throw refused(`task ${taskId} is not waiting or running, so there is nothing to cancel`, 'NotCancellable');
      return Ok;
    },
    'task.retry': async ({ runId, taskId }) => {
      if (!(await runs.retry(runId, taskId))) throw refused(`task ${taskId} has not failed and is not blocked, or its run is ending: only those can be run again`, 'NotRetryable');
      return Ok;
    },
    'task.input': async ({ runId, taskId, data }) => {
      if (!(await openTask(runId, taskId).input(taskId, data))) throw refused(`task ${taskId} has no session running to type into`, 'NoSession');
      return Ok;
    },
    'task.resize': async ({ runId, taskId, cols, rows }) => { await openTask(runId, taskId).resize(taskId, cols, rows); return Ok; },
    'term.attach': async ({ runId, taskId }) => {
      const term = runs.live(runId)?.term(taskId) ?? runs.planTerm(runId, taskId);
      if (term) return terms.attach(runId, taskId, term);
      // A run from before: its saved log's end, and no live feed.
      const log = await readTaskLog(core.store.runDir(runId), taskId, TERM_HISTORY_CHARS);
      if (!log) throw notFound(`there is no terminal of task ${taskId} in run ${runId}`);
      return { data: log.text, offset: log.text.length };
    },
    'term.ack': ({ runId, taskId, chars }) => { terms.ack(runId, taskId, chars); return Ok; },
    'term.detach': ({ runId, taskId }) => { terms.detach(runId, taskId); return Ok; },
    'task.detail': async ({ runId, taskId }) => {
      const { task, extras, repoRoot } = await runs.task(runId, taskId);
      const files = task.commit && task.base ? await taskDiff(repoRoot, task.base, task.commit) : [];
      return { runId, task, prompt: extras?.prompt ?? '', files, ...(extras?.transcript !== undefined ? { transcript: extras.transcript } : {}), ...(extras?.verifyOutput !== undefined ? { verifyOutput: extras.verifyOutput } : {}) };
    },
    'task.log': async ({ runId, taskId }) => {
      const saved = await readTaskLog(core.store.runDir(runId), taskId);
      if (saved) return saved;
      // Not watched by this app (a run of `claudecluster run`): every agent keeps its tasks' logs.
      for (const agent of core.pool.agents) {
        const fetched = await fetchTaskLog(agent, { runId, taskId }).catch(() => undefined);
        if (fetched) return fetched;
      }
      throw notFound(`no log of task ${taskId} in run ${runId} was found here or on a connected agent`);
    },
    'settings.get': () => core.settings.get(),
    'settings.set': (patch) => core.settings.set(patch),
  };
}
