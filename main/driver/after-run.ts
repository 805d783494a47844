/**
 * Around a run: its record when it starts, and when its tasks have settled the report
 * (`report.md`), the cleanup of what it left in the user's repo, the final record and, with
 * `--pr`, the pull request. Nothing here changes the run's outcome: each step that fails is a
 * warning, and the rest still happen.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { git } from '../../shared/node/git.js';
import { RUN_BRANCH_PREFIX } from '../../shared/constants.js';
import type { Goal } from '../../shared/goal/types.js';
import type { DriverStore } from './store.js';
import type { RunEnd, RunSummary } from './run-output.js';
import { renderReport, withFilesChanged } from './report.js';
import { REPORT_FILE, RUN_RECORD_FILE, RunRecords, type RunRecord } from './run-records.js';
import { tidyAfterRun } from './run-cleanup.js';
import { JOURNAL_FILE, TERMS_DIR } from './run-journal.js';
import { openPullRequest, pullRequestCommands, shellCommand } from './pull-request.js';

export interface RunStart {
  store: DriverStore;
  runId: string;
  goal: Goal;
  /** The goal file as given (it is recorded as an absolute path by the caller's choice). */
  goalPath: string;
  repoRoot: string;
  /** The commit the run starts from. */
  base: string;
}

/** Writes the run's record with status `running`; `finishRun` completes it. */
export async function startRunRecord(s: RunStart): Promise<RunRecord> {
  const baseBranch = await branchOf(s.repoRoot, s.goal.base ?? 'HEAD');
  const record: RunRecord = {
    version: 1, id: s.runId, goalFile: s.goalPath, goalTitle: s.goal.title, repo: s.repoRoot, base: s.base,
    ...(baseBranch ? { baseBranch } : {}),
    branch: `${RUN_BRANCH_PREFIX}${s.runId}`, startedAt: new Date().toISOString(), status: 'running', pid: process.pid,
    tasks: { total: s.goal.tasks.length, merged: 0, failed: 0, blocked: 0 }, costUsd: 0,
  };
  const records = new RunRecords(s.store);
  await mkdir(records.dir(s.runId), { recursive: true, mode: 0o700 });
  await records.write(record);
  return record;
}

export interface FinishOptions {
  store: DriverStore;
  goal: Goal;
  /** Push the branch and open a pull request (only when the run succeeded). */
  pr: boolean;
  warn(message: string): void;
  /** More files of the run's dir to keep besides the report and the record (e.g. the app's task logs). */
  keep?: readonly string[];
}

/** Report, cleanup, record, pull request: what the run's final output shows besides the summary. */
export async function finishRun(record: RunRecord, summary: RunSummary, o: FinishOptions): Promise<RunEnd> {
  const records = new RunRecords(o.store);
  const end: RunEnd = {};
  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      o.warn(`${what}: ${(err as Error).message}`);
    }
  };

  const reportPath = records.reportFile(record.id);
  await step('could not write the run report', async () => {
    const after = new Map(o.goal.tasks.map((t) => [t.id, t.after]));
    const tasks = await withFilesChanged(record.repo, summary.tasks.map((t) => ({ ...t, after: t.after ?? after.get(t.id) ?? [] })));
    const markdown = renderReport({ goal: { title: o.goal.title, file: o.goal.file, ...(o.goal.verify ? { verify: o.goal.verify } : {}) }, summary: { ...summary, tasks } });
    await mkdir(records.dir(record.id), { recursive: true, mode: 0o700 });
    await writeFile(reportPath, markdown, { mode: 0o600 });
    end.report = { path: reportPath, markdown };
  });
  await step(`could not clean up after run ${record.id}`, async () => {
    const { keptRefs } = await tidyAfterRun({
      repoRoot: record.repo, runId: record.id, branch: summary.branch, taskIds: summary.tasks.map((t) => t.id),
      runDir: records.dir(record.id), keep: [REPORT_FILE, RUN_RECORD_FILE, JOURNAL_FILE, TERMS_DIR, ...(o.keep ?? [])],
    });
    if (keptRefs.length > 0) end.keptRefs = keptRefs;
  });
  const count = (s: string): number => summary.tasks.filter((t) => t.status === s).length;
  const { pid: _pid, ...rest } = record;
  await step('could not save the run record', () => records.write({
    ...rest, finishedAt: new Date().toISOString(), status: summary.ok ? 'ok' : 'failed', costUsd: summary.costUsd,
    tasks: { total: summary.tasks.length, merged: count('merged'), failed: count('failed'), blocked: count('blocked') },
    ...(end.report ? { report: end.report.path } : {}),
  }));
  if (o.pr) {
    await step('could not open a pull request', async () => {
      const pr = { repoRoot: record.repo, branch: summary.branch, title: o.goal.title, bodyFile: reportPath, ...(record.baseBranch ? { baseBranch: record.baseBranch } : {}) };
      if (!end.report) {
        end.pullRequest = { status: 'skipped', reason: 'there is no report to use as its body' };
      } else if (!summary.ok) {
        const by = await pullRequestCommands(pr);
        end.pullRequest = { status: 'skipped', reason: 'the run did not merge every task', instructions: [shellCommand(by.push), shellCommand(by.gh)] };
      } else {
        end.pullRequest = await openPullRequest(pr);
      }
    });
  }
  return end;
}

/** The branch `rev` names (or HEAD is on), else undefined (a tag, a commit, a detached HEAD). */
async function branchOf(repoRoot: string, rev: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '--symbolic-full-name', rev], { cwd: repoRoot, allowFail: true });
  const full = r.code === 0 ? r.stdout.trim() : '';
  if (full.startsWith('refs/heads/')) return full.slice('refs/heads/'.length);
  // A remote-tracking branch (origin/main): the pull request's base is that branch on the remote.
  const remote = /^refs\/remotes\/[^/]+\/(.+)$/.exec(full);
  return remote?.[1];
}
