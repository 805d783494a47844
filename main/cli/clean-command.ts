/**
 * `claudecluster clean`: removes past runs — their records and run dirs, and what they left in
 * the user's repo (refs under refs/claudecluster/<run>/, worktrees); with `--branches` also their
 * `claudecluster/<run>` branches, after a confirmation on a terminal (never a checked-out one).
 * A run that is still going is never touched.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { EXIT, UsageError, parseFlags } from '../../shared/node/cli-args.js';
import { ID_PATTERN } from '../../shared/constants.js';
import { DriverStore } from '../driver/store.js';
import { RunRecords, runState, type RunRecord } from '../driver/run-records.js';
import { deleteBranch, deleteRefs, removeWorktreesUnder, runRefs } from '../driver/run-cleanup.js';
import { driverDataDir } from './common.js';

export const FLAGS = {
  'older-than': { type: 'string' },
  run: { type: 'string' },
  branches: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'data-dir': { type: 'string' },
} as const;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `90s`, `30m`, `12h`, `7d`, `2w` (whole numbers) in ms; a UsageError otherwise. */
export function parseDuration(flag: string, value: string): number {
  const m = /^([0-9]{1,9})([smhdw])$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} must be a duration such as 90s, 30m, 12h, 7d or 2w, not "${value}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export async function cleanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const olderThan = values['older-than'] === undefined ? undefined : parseDuration('--older-than', values['older-than']);
  if (values.run !== undefined && !ID_PATTERN.test(values.run)) throw new UsageError(`--run "${values.run}" is not a run id (see claudecluster runs)`);
  const interactive = !!process.stdin.isTTY && !!process.stdout.isTTY;
  if (values.branches && !values.yes && !interactive) throw new UsageError('--branches deletes branches: add --yes to confirm when not on a terminal');
  const records = new RunRecords(new DriverStore(driverDataDir(values['data-dir'])));

  const now = Date.now();
  let rows = await records.list();
  if (values.run !== undefined) {
    rows = rows.filter((r) => r.id === values.run);
    if (rows.length === 0) throw new UsageError(`no run "${values.run}"${await records.suggest(values.run)} (see claudecluster runs)`);
  }
  if (olderThan !== undefined) rows = rows.filter((r) => now - age(r) >= olderThan);
  const running = rows.filter((r) => r.record && runState(r.record) === 'running');
  for (const r of running) process.stdout.write(`run ${r.id} is still running; left alone\n`);
  rows = rows.filter((r) => !running.includes(r));
  if (rows.length === 0) {
    process.stdout.write('Nothing to clean.\n');
    return running.length > 0 && values.run !== undefined ? EXIT.failed : EXIT.ok;
  }

  if (values.branches && !values.yes) {
    const branches = rows.flatMap((r) => (r.record ? [r.record.branch] : []));
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Delete ${rows.length} run(s) and the branches ${branches.join(', ')}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      process.stdout.write('Nothing removed.\n');
      return EXIT.ok;
    }
  }

  let failed = false;
  for (const row of rows) {
    const said = row.record ? await cleanRepo(records, row.record, !!values.branches) : { notes: [], keep: false };
    if (said.keep) {
      failed = true;
      process.stdout.write(`kept run ${row.id}: ${said.notes.join('; ')}\n`);
      continue;
    }
    await records.remove(row.id);
    process.stdout.write(`removed run ${row.id}${row.record ? ` (${row.record.goalTitle})` : ''}${said.notes.length ? `: ${said.notes.join('; ')}` : ''}\n`);
  }
  return failed ? EXIT.failed : EXIT.ok;
}

/** When a run ended (or started, or its dir last changed), ms since the epoch. */
function age(r: { record?: RunRecord; mtimeMs: number }): number {
  const t = r.record ? Date.parse(r.record.finishedAt ?? r.record.startedAt) : NaN;
  return Number.isNaN(t) ? r.mtimeMs : t;
}

/** Takes the run's refs, worktrees and (asked for) branch out of its repo; `keep` when the branch must stay. */
async function cleanRepo(records: RunRecords, r: RunRecord, branches: boolean): Promise<{ notes: string[]; keep: boolean }> {
  if (!existsSync(r.repo)) return { notes: [`its repository ${r.repo} is gone`], keep: false };
  const notes: string[] = [];
  const worktrees = await removeWorktreesUnder(r.repo, records.dir(r.id));
  if (worktrees.length > 0) notes.push(`${worktrees.length} worktree(s)`);
  const refs = await runRefs(r.repo, r.id);
  await deleteRefs(r.repo, refs);
  if (refs.length > 0) notes.push(`${refs.length} ref(s)`);
  if (!branches) return { notes, keep: false };
  const deleted = await deleteBranch(r.repo, r.branch);
  if (!deleted.deleted) return { notes: [...notes, deleted.reason], keep: true };
  notes.push(`branch ${r.branch}`);
  return { notes, keep: false };
}
