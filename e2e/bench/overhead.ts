/**
 * (c) Per-task overhead: a chain of tasks (each after the previous, so none ever queues) run
 * through the real CLI with `--local 2` on a 1,000-file repo. From the NDJSON task-status
 * events: dispatching → merged per task. Baseline: the stand-in's own process runtime.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { FAKE_CLAUDE, runCli, type Scope } from '../harness.js';
import { goalPath, makeBigRepo, writeChainGoal } from './fixtures.js';
import { now, percentile, sample, type Sample } from './stats.js';

export const REPO_FILES = 1000;
export const CHAIN_TASKS = 30;
/** The driver statuses a task passes through, in order; phases are the gaps between them. */
const STATUSES = ['dispatching', 'queued', 'running', 'integrating', 'merged'] as const;
type Status = (typeof STATUSES)[number];

export interface OverheadResult {
  /** Per run: p50 and p95 of dispatching → merged over the warm tasks (t2…), ms. */
  p50: Sample;
  p95: Sample;
  /** Per run: t1 (fresh agent data dir, so the repo is synced first), ms. */
  cold: Sample;
  /** Median per phase over all warm tasks of all runs, ms (e.g. "running→integrating"). */
  phases: Array<{ phase: string; ms: number }>;
  /** Whole CLI invocation, per run, ms. */
  wall: Sample;
  /** The stand-in run directly, ms. */
  standIn: Sample;
}

interface StatusEvent {
  type: string;
  time: string;
  task?: { id: string; status: string };
}

/** task id → status → first time seen (ms since epoch). */
function timelines(events: ReadonlyArray<Record<string, unknown>>): Map<string, Partial<Record<Status, number>>> {
  const out = new Map<string, Partial<Record<Status, number>>>();
  for (const raw of events) {
    const e = raw as unknown as StatusEvent;
    if (e.type !== 'task-status' || !e.task) continue;
    const status = e.task.status as Status;
    if (!STATUSES.includes(status)) continue;
    const line = out.get(e.task.id) ?? {};
    line[status] ??= Date.parse(e.time);
    out.set(e.task.id, line);
  }
  return out;
}

async function runChain(scope: Scope, repo: string, goal: string): Promise<{ lines: ReturnType<typeof timelines>; wallMs: number }> {
  const dataDir = await scope.tmp('cc-bench-cli-');
  const t0 = now();
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--json', '--no-mdns', '--data-dir', dataDir]);
  const wallMs = now() - t0;
  if (r.code !== 0) throw new Error(`claudecluster run exited ${r.code}: ${r.stderr.slice(-2000)} ${r.stdout.slice(-2000)}`);
  const lines = timelines(r.events);
  for (let n = 1; n <= CHAIN_TASKS; n++) {
    const l = lines.get(`t${n}`);
    if (l?.dispatching === undefined || l.merged === undefined) throw new Error(`task t${n} has no dispatching→merged in the run's events`);
  }
  return { lines, wallMs };
}

/** Milliseconds of one run of the stand-in, spawned directly in `cwd`. */
async function standInOnce(cwd: string): Promise<number> {
  const t0 = now();
  const p = spawn(FAKE_CLAUDE, ['-p', '!write x.txt 1', '--output-format', 'stream-json', '--verbose'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = (await once(p, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`stand-in exited with ${code}`);
  return now() - t0;
}

export async function measureOverhead(scope: Scope, runs: number, standInRuns: number): Promise<OverheadResult> {
  const work = await scope.tmp('cc-bench-chain-');
  const repo = await makeBigRepo(join(work, 'repo'), REPO_FILES);
  const goal = await writeChainGoal(goalPath(work), CHAIN_TASKS);

  const p50: number[] = [];
  const p95: number[] = [];
  const cold: number[] = [];
  const wall: number[] = [];
  const phaseValues = new Map<string, number[]>();
  for (let i = 0; i < runs; i++) {
    const { lines, wallMs } = await runChain(scope, repo, goal);
    wall.push(wallMs);
    const t1 = lines.get('t1')!;
    cold.push(t1.merged! - t1.dispatching!);
    const warm: number[] = [];
    for (let n = 2; n <= CHAIN_TASKS; n++) {
      const l = lines.get(`t${n}`)!;
      warm.push(l.merged! - l.dispatching!);
      addPhases(l, phaseValues);
    }
    warm.sort((a, b) => a - b);
    p50.push(percentile(warm, 50));
    p95.push(percentile(warm, 95));
  }

  const standIn: number[] = [];
  const dir = await scope.tmp('cc-bench-standin-');
  for (let i = 0; i < standInRuns; i++) standIn.push(await standInOnce(dir));

  const phases = [...phaseValues].map(([phase, v]) => ({ phase, ms: sample(v).median }));
  return { p50: sample(p50), p95: sample(p95), cold: sample(cold), phases, wall: sample(wall), standIn: sample(standIn) };
}

/** Adds the gaps between consecutive statuses the task passed through. */
function addPhases(l: Partial<Record<Status, number>>, into: Map<string, number[]>): void {
  const seen = STATUSES.filter((s) => l[s] !== undefined);
  for (let i = 1; i < seen.length; i++) {
    const key = `${seen[i - 1]}→${seen[i]}`;
    const list = into.get(key) ?? [];
    list.push(l[seen[i]!]! - l[seen[i - 1]!]!);
    into.set(key, list);
  }
}
