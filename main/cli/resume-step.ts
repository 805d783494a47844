/**
 * `claudecluster run --resume RUN`: a run whose driver stopped (crashed, killed, the machine went
 * down) is taken up from its record and journal: same goal, base, branch and repository.
 */
import { UsageError } from '../../shared/node/cli-args.js';
import { ID_PATTERN } from '../../shared/constants.js';
import type { DriverStore } from '../driver/store.js';
import { RunRecords, runState, type RunRecord } from '../driver/run-records.js';
import { readJournal } from '../driver/run-journal.js';
import { foldJournal, type ResumeState } from '../driver/run-resume.js';

export async function loadResume(store: DriverStore, runId: string): Promise<{ record: RunRecord; resume: ResumeState }> {
  if (!ID_PATTERN.test(runId)) throw new UsageError(`--resume "${runId}" is not a run id (see claudecluster runs)`);
  const records = new RunRecords(store);
  const record = await records.read(runId);
  if (!record) throw new UsageError(`there is no run ${runId} in ${store.runsDir} (see claudecluster runs)`);
  const state = runState(record);
  if (state === 'running') throw new UsageError(`run ${runId} is still running (driver pid ${record.pid})`);
  if (state !== 'interrupted') throw new UsageError(`run ${runId} has finished (${state}); there is nothing to resume`);
  let resume: ResumeState;
  try {
    resume = foldJournal(await readJournal(records.dir(runId)));
  } catch (err) {
    throw new UsageError(`run ${runId} cannot be resumed: ${(err as Error).message}`);
  }
  if (resume.runId !== runId) throw new UsageError(`run ${runId} cannot be resumed: its journal is of run ${resume.runId}`);
  // Ours from now on: `runs` shows it running again, under this process.
  const taken = { ...record, status: 'running' as const, pid: process.pid };
  await records.write(taken);
  return { record: taken, resume };
}
