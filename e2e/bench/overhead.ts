/**
 * (c) Per-task overhead: a chain of tasks (each after the previous, so none ever queues) run
 * through the real CLI with `--local 2` on a 1,000-file repo. From the NDJSON task-status
 * events: dispatching → merged per task. Baselines (baselines.ts): the stand-in's own process
 * runtime, and one checkout of the repo into a worktree.
 */
import { join } from 'node:path';
import { runCli, type Scope } from '../harness.js';
import { measureCheckout, measureStandIn } from './baselines.js';
import { goalPath, makeBigRepo, writeChainGoal } from './fixtures.js';
import { now, percentile, sample, type Sample } from './stats.js';

export const REPO_FILES = 1000;
export const CHAIN_TASKS = 30;
/** The driver statuses a task passes through, in order; phases are the gaps between them. */
const STATUSES = ['dispatching', 'queued', 'running', 'integrating', 'merged'] as const;
type Status = (typeof STATUSES)[number];
type Timeline = Partial<Record<Status, number>>;

export interface OverheadOptions {
  /** Most chain runs; each starts a fresh local agent (so each t1 is cold). */
  maxRuns: number;
  /** No new chain run starts after this much time in (c). */
  budgetMs: number;
  standInRuns: number;
  checkoutRuns: number;
}

export interface OverheadResult {
  /** Per run: p50 and p95 of dispatching → merged over the warm tasks (t2…) that merged, ms. */
  p50: Sample;
  p95: Sample;
  /** Every warm task of every run, ms. */
  warm: Sample;
  /** Per run: t1 (fresh agent data dir, so the repo is synced first), ms. */
  cold: Sample;
  /** Median per phase over all warm tasks of all runs, ms (e.g. "running→integrating"). */
  phases: Array<{ phase: string; ms: number }>;
  /** Whole CLI invocation, per run, ms. */
  wall: Sample;
  /** Per run: tasks merged out of CHAIN_TASKS, and the first failure if any. */
  merged: number[];
  failures: string[];
  standIn: Sample;
  checkout: Sample;
}

interface ChainRun {
  lines: Map<string, Timeline>;
  wallMs: number;
  merged: number;
  failure?: string;
}

/** task id → status → first time seen (ms since epoch), and the first failure's error. */
function readEvents(events: ReadonlyArray<Record<string, unknown>>): { lines: Map<string, Timeline>; failure?: string } {
  const lines = new Map<string, Timeline>();
  let failure: string | undefined;
  for (const e of events) {
    const task = e['task'] as { id: string; status: string; error?: string } | undefined;
    if (e['type'] !== 'task-status' || !task) continue;
    if (task.status === 'failed') failure ??= `${task.id}: ${task.error ?? 'failed'}`;
    const status = task.status as Status;
    if (!STATUSES.includes(status)) continue;
    const line = lines.get(task.id) ?? {};
    line[status] ??= Date.parse(String(e['time']));
    lines.set(task.id, line);
  }
  return failure === undefined ? { lines } : { lines, failure };
}

async function runChain(scope: Scope, repo: string, goal: string): Promise<ChainRun> {
  const dataDir = await scope.tmp('cc-bench-cli-');
  const t0 = now();
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--json', '--no-mdns', '--data-dir', dataDir]);
  const wallMs = now() - t0;
  const { lines, failure } = readEvents(r.events);
  let merged = 0;
  while (lines.get(`t${merged + 1}`)?.merged !== undefined) merged++;
  if (merged === 0) throw new Error(`claudecluster run (exit ${r.code}) merged no task: ${failure ?? r.stderr.slice(-2000)}`);
  const run: ChainRun = { lines, wallMs, merged };
  if (r.code !== 0) run.failure = failure ?? `exit ${r.code}: ${r.stderr.slice(-500)}`;
  return run;
}

export async function measureOverhead(scope: Scope, opts: OverheadOptions): Promise<OverheadResult> {
  const started = now();
  const work = await scope.tmp('cc-bench-chain-');
  const repo = await makeBigRepo(join(work, 'repo'), REPO_FILES);

  const p50: number[] = [];
  const p95: number[] = [];
  const allWarm: number[] = [];
  const cold: number[] = [];
  const wall: number[] = [];
  const merged: number[] = [];
  const failures: string[] = [];
  const phaseValues = new Map<string, number[]>();
  for (let i = 0; i < opts.maxRuns && (i === 0 || now() - started < opts.budgetMs); i++) {
    // Each run's goal says which run it is: identical tasks would reuse the results of the last one.
    const goal = await writeChainGoal(goalPath(work), CHAIN_TASKS, 'headless', `run ${i + 1}`);
    const run = await runChain(scope, repo, goal);
    wall.push(run.wallMs);
    merged.push(run.merged);
    if (run.failure) failures.push(run.failure);
    const t1 = run.lines.get('t1')!;
    cold.push(t1.merged! - t1.dispatching!);
    const warm: number[] = [];
    for (let n = 2; n <= run.merged; n++) {
      const l = run.lines.get(`t${n}`)!;
      warm.push(l.merged! - l.dispatching!);
      addPhases(l, phaseValues);
    }
    if (warm.length === 0) continue;
    allWarm.push(...warm);
    warm.sort((a, b) => a - b);
    p50.push(percentile(warm, 50));
    p95.push(percentile(warm, 95));
  }
  if (allWarm.length === 0) throw new Error(`no warm task merged: ${failures.join('; ')}`);

  const standIn = await measureStandIn(scope, opts.standInRuns);
  const checkout = await measureCheckout(scope, repo, opts.checkoutRuns);
  const phases = [...phaseValues].map(([phase, v]) => ({ phase, ms: sample(v).median }));
  return {
    p50: sample(p50), p95: sample(p95), warm: sample(allWarm), cold: sample(cold), phases,
    wall: sample(wall), merged, failures, standIn, checkout,
  };
}

/** Adds the gaps between consecutive statuses the task passed through. */
function addPhases(l: Timeline, into: Map<string, number[]>): void {
  const seen = STATUSES.filter((s) => l[s] !== undefined);
  for (let i = 1; i < seen.length; i++) {
    const key = `${seen[i - 1]}→${seen[i]}`;
    const list = into.get(key) ?? [];
    list.push(l[seen[i]!]! - l[seen[i - 1]!]!);
    into.set(key, list);
  }
}
