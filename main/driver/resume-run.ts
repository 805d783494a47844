/**
 * Finding a run that can be taken up again (`run --resume`, the app at start-up): one whose
 * driver is gone while its record still says running, and whose journal reads back.
 */
import { ID_PATTERN } from '../../shared/constants.js';
import type { DriverStore } from './store.js';
import { RunRecords, runState, type RunRecord } from './run-records.js';
import { readJournal } from './run-journal.js';
import { foldJournal, type ResumeState } from './run-resume.js';

export type Resumable =
  | { ok: true; record: RunRecord; resume: ResumeState }
  | { ok: false; problem: string };

export async function readResumable(store: DriverStore, runId: string): Promise<Resumable> {
  const no = (problem: string): Resumable => ({ ok: false, problem });
  if (!ID_PATTERN.test(runId)) return no(`"${runId}" is not a run id (see claudecluster runs)`);
  const records = new RunRecords(store);
  const record = await records.read(runId).catch((err: Error) => { throw new Error(`run ${runId}: ${err.message}`); });
  if (!record) return no(`there is no run ${runId} in ${store.runsDir} (see claudecluster runs)`);
  const state = runState(record);
  if (state === 'running') return no(`run ${runId} is still running (driver pid ${record.pid})`);
  if (state !== 'interrupted') return no(`run ${runId} has finished (${state}); there is nothing to resume`);
  let resume: ResumeState;
  try {
    resume = foldJournal(await readJournal(records.dir(runId)));
  } catch (err) {
    return no(`run ${runId} cannot be resumed: ${(err as Error).message}`);
  }
  if (resume.runId !== runId) return no(`run ${runId} cannot be resumed: its journal is of run ${resume.runId}`);
  return { ok: true, record, resume };
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
