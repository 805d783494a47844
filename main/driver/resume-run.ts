/**
 * Finding a run that can be taken up again: one whose driver is gone while its record still says
 * running (`run --resume`, the app at start-up), or one that ended with tasks failed or blocked,
 * to run some of them again (`task.retry` after the run ended).
 */
import { ID_PATTERN } from '../../shared/constants.js';
import { git } from '../../shared/node/git.js';
import type { DriverStore } from './store.js';
import { RunRecords, runState, type RunRecord, type RunState } from './run-records.js';
import { RunJournal, readJournal } from './run-journal.js';
import { foldJournal, type ResumeState } from './run-resume.js';
import { tasksToRetry } from './scheduler.js';
import { shortId } from '../../shared/short-id.js';

export type Resumable =
  | { ok: true; record: RunRecord; resume: ResumeState }
  | { ok: false; problem: string };

/** A run not running now, with its record and the state its journal folds to; or why there is none. */
type Stopped = { ok: true; record: RunRecord; journal: ResumeState } | { ok: false; problem: string };

async function readStopped(store: DriverStore, runId: string, notRunning: (state: RunState) => string | undefined, what: string): Promise<Stopped> {
  const no = (problem: string): Stopped => ({ ok: false, problem });
  if (!ID_PATTERN.test(runId)) return no(`"${runId}" is not a run id (see claudecluster runs)`);
  const records = new RunRecords(store);
  const record = await records.read(runId).catch((err: Error) => { throw new Error(`run ${runId}: ${err.message}`); });
  if (!record) return no(`there is no run ${runId} in ${store.runsDir}${await records.suggest(runId)} (see claudecluster runs)`);
  const state = runState(record);
  if (state === 'running') return no(`run ${runId} is still running (driver pid ${record.pid})`);
  const refused = notRunning(state);
  if (refused) return no(refused);
  let journal: ResumeState;
  try {
    journal = foldJournal(await readJournal(records.dir(runId)));
  } catch (err) {
    return no(`run ${runId} cannot be ${what}: ${(err as Error).message}`);
  }
  if (journal.runId !== runId) return no(`run ${runId} cannot be ${what}: its journal is of run ${journal.runId}`);
  return { ok: true, record, journal };
}

export async function readResumable(store: DriverStore, runId: string): Promise<Resumable> {
  const found = await readStopped(store, runId, (state) => (state === 'interrupted' ? undefined : `run ${runId} has finished (${state}); there is nothing to resume`), 'resumed');
  return found.ok ? { ok: true, record: found.record, resume: found.journal } : found;
}

/** The run is this process's from now on: `runs` shows it running again, under this pid. */
export async function takeOver(store: DriverStore, record: RunRecord): Promise<RunRecord> {
  const taken: RunRecord = { ...record, status: 'running', pid: process.pid };
  await new RunRecords(store).write(taken);
  return taken;
}

/** Runs whose driver stopped before they ended, newest first. */
export async function interruptedRuns(store: DriverStore): Promise<string[]> {
  const rows = await new RunRecords(store).list();
  return rows.filter((r) => r.record && runState(r.record) === 'interrupted').map((r) => r.id);
}

/**
 * Takes up a run that ended with `taskId` failed or blocked, to run it again together with the
 * failed and blocked tasks it waits on and the blocked tasks waiting on them (`tasksToRetry`).
 * The run branch must still be where the run left it: a commit added to it since would be undone
 * by the run's next merge. On success the journal says so (a crash after this resumes the same
 * way) and the run is this process's, running again.
 */
export async function reopenEnded(store: DriverStore, runId: string, taskId: string): Promise<Resumable> {
  const no = (problem: string): Resumable => ({ ok: false, problem });
  const found = await readStopped(store, runId, (state) => {
    if (state === 'interrupted') return `run ${runId} was cut short: resume it (claudecluster run --resume ${runId})`;
    return state === 'ok' ? `run ${runId} merged every task: there is nothing to run again` : undefined;
  }, 'taken up again');
  if (!found.ok) return found;
  const { record, journal: ended } = found;
  const records = new RunRecords(store);
  const dir = records.dir(runId);
  const tasks = ended.goal.tasks.map((t) => ({ id: t.id, after: t.after, status: ended.tasks.get(t.id)?.status ?? 'pending' }));
  const again = tasksToRetry(tasks, taskId);
  if (!again) return no(`task ${taskId} of run ${runId} has not failed and is not blocked: only those can be run again`);
  const at = (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${ended.branch}^{commit}`], { cwd: record.repo, allowFail: true })).stdout.trim();
  if (!at) return no(`the run's branch ${ended.branch} is no longer in ${record.repo}: its tasks cannot be run again`);
  if (at !== ended.head) return no(`${ended.branch} has moved since run ${runId} ended (it is at ${shortId(at)}, the run left it at ${shortId(ended.head)}): running tasks again would undo that, so the branch is left as it is`);

  const journal = await RunJournal.open(dir);
  try {
    await journal.record({ type: 'reopened', taskIds: tasks.filter((t) => again.has(t.id)).map((t) => t.id) });
  } finally {
    await journal.close();
  }
  const { finishedAt: _f, report: _r, ...rest } = record;
  const taken: RunRecord = { ...rest, status: 'running', pid: process.pid };
  await records.write(taken);
  return { ok: true, record: taken, resume: foldJournal(await readJournal(dir)) };
}
