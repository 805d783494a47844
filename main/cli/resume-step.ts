/**
 * `claudecluster run --resume RUN`: a run whose driver stopped (crashed, killed, the machine went
 * down) is taken up from its record and journal: same goal, base, branch and repository.
 */
import { InputError } from '../../shared/node/cli-args.js';
import type { DriverStore } from '../driver/store.js';
import type { RunRecord } from '../driver/run-records.js';
import type { ResumeState } from '../driver/run-resume.js';
import { readResumable, takeOver } from '../driver/resume-run.js';

export async function loadResume(store: DriverStore, runId: string): Promise<{ record: RunRecord; resume: ResumeState }> {
  const found = await readResumable(store, runId);
  if (!found.ok) throw new InputError(`--resume: ${found.problem}`);
  return { record: await takeOver(store, found.record), resume: found.resume };
}
