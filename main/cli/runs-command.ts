/** `claudecluster runs [RUN]`: past runs, newest first, from their records in the driver's data dir; or one run's report. */
import { readFile } from 'node:fs/promises';
import { EXIT, InputError, UsageError, parseFlags } from '../../shared/node/cli-args.js';
import { DriverStore } from '../driver/store.js';
import { RunRecords, runState, type RunRecord, type RunState } from '../driver/run-records.js';
import { formatCost } from '../driver/report.js';
import { driverDataDir } from './common.js';

export const FLAGS = { json: { type: 'boolean' }, 'data-dir': { type: 'string' } } as const;

export async function runsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const records = new RunRecords(new DriverStore(driverDataDir(values['data-dir'])));
  if (positionals[0] !== undefined) return showRun(records, positionals[0], !!values.json);
  const rows = await records.list();
  if (values.json) {
    for (const r of rows) write(JSON.stringify(r.record ? { type: 'run', ...publicRecord(r.record) } : { type: 'run', id: r.id, status: 'unknown', problem: r.problem }) + '\n');
    return EXIT.ok;
  }
  if (rows.length === 0) {
    write('No runs yet.\n');
    return EXIT.ok;
  }
  write(`${'ID'.padEnd(22)} ${'WHEN'.padEnd(16)} ${'STATUS'.padEnd(11)} ${'TASKS'.padEnd(22)} ${'COST'.padEnd(9)} ${'BRANCH'.padEnd(36)} GOAL\n`);
  for (const { id, record: r, problem } of rows) {
    if (!r) {
      write(`${id.padEnd(22)} ${'-'.padEnd(16)} ${'unknown'.padEnd(11)} ${problem ?? ''}\n`);
      continue;
    }
    write(`${r.id.padEnd(22)} ${when(r.startedAt).padEnd(16)} ${runState(r).padEnd(11)} ${tasks(r).padEnd(22)} ${formatCost(r.costUsd).padEnd(9)} ${r.branch.padEnd(36)} ${r.goalTitle} (${r.goalFile})\n`);
  }
  return EXIT.ok;
}

const write = (s: string): boolean => process.stdout.write(s);

/** One run: its report as it was saved, or, while it has none, what its record says. */
async function showRun(records: RunRecords, id: string, json: boolean): Promise<number> {
  const record = await records.read(id);
  if (!record) {
    throw new InputError(`no run "${id}"${await records.suggest(id)} (claudecluster runs lists them)`);
  }
  const report = record.report === undefined ? undefined : await readFile(records.reportFile(id), 'utf8').catch(() => undefined);
  if (json) {
    write(JSON.stringify({ type: 'run', ...publicRecord(record), ...(report !== undefined ? { reportMarkdown: report } : {}) }) + '\n');
  } else {
    write(report ?? `Run ${id} (${record.goalTitle}) is ${runState(record)}: ${tasks(record)}, ${formatCost(record.costUsd)}; it has no report yet.\n`);
  }
  return EXIT.ok;
}

/** What `--json` shows of a record: its state as a person reads it, no format version or pid. */
function publicRecord(r: RunRecord): Omit<RunRecord, 'version' | 'pid' | 'status'> & { status: RunState } {
  const { version: _v, pid: _p, ...rest } = r;
  return { ...rest, status: runState(r) };
}

function tasks(r: RunRecord): string {
  const { total, merged, failed, blocked } = r.tasks;
  const problems = [failed ? `${failed} failed` : '', blocked ? `${blocked} blocked` : ''].filter(Boolean);
  return `${merged}/${total} merged${problems.length ? `, ${problems.join(', ')}` : ''}`;
}

/** Local time, `2026-11-22 14:30`. */
function when(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
