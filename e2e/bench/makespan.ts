/**
 * (e) Makespan: four task graphs (makespan-graphs.ts) run for real through the CLI over three
 * agent processes of two slots each on loopback, MAKESPAN_ROUNDS times each (one graph after
 * another, round after round, so a noisy spell of the machine falls on all of them), every run
 * compared with the lower bound every schedule
 * obeys: max(critical path, total work / slots), where a task's length is its result's
 * `durationMs` — measured by its agent from the task taking a slot to its committed result (worktree
 * checkout, the stand-in's sleep, commit). The makespan is the driver's own clock: the first
 * task-status `dispatching` to the last `merged` in its NDJSON output.
 */
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { makeRepo, pairWith, runCli, startAgent, type AgentProc, type Scope } from '../harness.js';
import { makeGraphs, shapeOf, writeGraphGoal, type BenchGraph, type GraphShape } from './makespan-graphs.js';
import { RANKINGS, lowerBound, simulate, type Bound, type Ranking } from './makespan-sim.js';
import { now, percentile } from './stats.js';

export const MAKESPAN_AGENTS = 3;
export const MAKESPAN_SLOTS_EACH = 2;
/** Seed of the graphs and their sleep times: every bench run measures the same four graphs. */
export const MAKESPAN_SEED = 20_260_611;
/** Runs of each graph: a run's ratio moves by a few hundredths with the lengths its tasks happen to take. */
export const MAKESPAN_ROUNDS = 3;
/** Tasks of the warm-up run, enough to reach every agent, so each has the repo before (e). */
const WARM_UP_TASKS = MAKESPAN_AGENTS * MAKESPAN_SLOTS_EACH;
/** A run still going after this long is stopped (SIGTERM, exit 124) and counts as failed: a hung driver does not hang the bench. */
const RUN_TIMEOUT_S = 120;
/** The exit code of timeout(1) when it stopped the command. */
const TIMED_OUT = 124;
/** The driver statuses a task passes through, in order. */
const STATUSES = ['dispatching', 'queued', 'running', 'integrating', 'merged'] as const;
type Status = (typeof STATUSES)[number];

export interface GraphRun {
  graph: BenchGraph;
  shape: GraphShape;
  merged: number;
  failure?: string;
  /** First `dispatching` to last `merged`, ms. */
  makespanMs: number;
  /** The whole CLI invocation, ms. */
  wallMs: number;
  /** The bound from the agents' `durationMs`: the figure's denominator. */
  bound: Bound;
  /** The bound from the time the driver holds each task (`dispatching` → `merged`). */
  heldBound: Bound;
  /** Zero-overhead replays of `assign` with the agents' durations, per ranking, ms. */
  sim: Record<Ranking, number>;
  /** Per-task times, p50 over the tasks, ms. */
  p50: {
    /** The stand-in's sleep, and the agent's `durationMs` around it. */
    sleep: number;
    agent: number;
    /** `dispatching` → `queued`: the base synced to the agent and the task started; tasks with and without dependencies. */
    startWithDeps: number;
    startNoDeps: number;
    /** `queued` → `integrating` beyond `durationMs`: the result reported and its bundle fetched. */
    delivery: number;
    /** `integrating` → `merged`. */
    merge: number;
  };
  /** Over tasks with dependencies: last dependency merged → `dispatching` (includes waiting for a slot), ms. */
  readyToDispatch: { p50: number; max: number };
  /** Tasks per agent name. */
  perAgent: Record<string, number>;
}

export interface MakespanResult {
  /** Every run, round after round. */
  runs: GraphRun[];
  /** Agents started, paired and warmed up, ms. */
  setupMs: number;
  slots: number;
}

interface StatusEvent { time: string; task: { id: string; status: string; agent?: string; error?: string } }
interface Summary { ok: boolean; tasks: Array<{ id: string; status: string; agent?: string; durationMs?: number; error?: string }> }

export async function measureMakespan(scope: Scope): Promise<MakespanResult> {
  const t0 = now();
  const work = await scope.tmp('cc-bench-makespan-');
  const repo = await makeRepo(join(work, 'repo'), { 'README.md': '# makespan bench\n' });
  const driverDir = join(work, 'driver');
  const agents: AgentProc[] = [];
  for (let i = 1; i <= MAKESPAN_AGENTS; i++) {
    const dataDir = join(work, `agent-${i}`);
    const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--slots', String(MAKESPAN_SLOTS_EACH), '--name', `m${i}`] });
    await pairWith(scope, agent, driverDir, dataDir);
    agents.push(agent);
  }
  const run = (goal: string): ReturnType<typeof runCli> =>
    runCli(['run', goal, '--repo', repo, '--data-dir', driverDir, '--no-mdns', '--json', ...agents.flatMap((a) => ['--agent', a.addr])], { wrap: ['timeout', String(RUN_TIMEOUT_S)] });

  const warmGoal = join(work, 'warm-up.md');
  const warmTasks = Array.from({ length: WARM_UP_TASKS }, (_, i) => `- u${i}: warm up\n  !write warm/u${i}.txt ${i}\n`);
  await writeFile(warmGoal, `---\nsession:\n  mode: headless\n---\n# Warm-up\n\nBrings the repo to every agent.\n\n## Tasks\n${warmTasks.join('')}`);
  const warm = await run(warmGoal);
  if (warm.code !== 0) throw new Error(`the warm-up run failed (exit ${warm.code}): ${warm.stderr.slice(-2000)}`);
  const setupMs = now() - t0;

  const slots = MAKESPAN_AGENTS * MAKESPAN_SLOTS_EACH;
  const runs: GraphRun[] = [];
  const graphs = makeGraphs(MAKESPAN_SEED);
  for (let round = 1; round <= MAKESPAN_ROUNDS; round++) for (const graph of graphs) {
    const goal = join(work, `${graph.name}-${round}.md`);
    await writeGraphGoal(goal, graph, round);
    const started = now();
    const r = await run(goal);
    const exit = r.code === 0 ? undefined : r.code === TIMED_OUT ? `stopped after ${RUN_TIMEOUT_S} s` : `exit ${r.code}: ${r.stderr.slice(-500)}`;
    runs.push(measureRun(graph, r.events, now() - started, slots, exit));
  }
  return { runs, setupMs, slots };
}

type Timeline = Partial<Record<Status, number>>;

/** Per task, each status's first time (ms since the epoch), and the first failure seen. */
function readTimelines(events: ReadonlyArray<Record<string, unknown>>): { seen: Map<string, Timeline>; failure?: string } {
  const seen = new Map<string, Timeline>();
  let failure: string | undefined;
  for (const e of events) {
    if (e['type'] !== 'task-status') continue;
    const { time, task } = e as unknown as StatusEvent;
    if (task.status === 'failed' || task.status === 'blocked') failure ??= `${task.id} ${task.status}: ${task.error ?? ''}`;
    if (!(STATUSES as readonly string[]).includes(task.status)) continue;
    const line = seen.get(task.id) ?? {};
    line[task.status as Status] ??= Date.parse(time);
    seen.set(task.id, line);
  }
  return failure === undefined ? { seen } : { seen, failure };
}

/** The figures of one run; when some task did not merge, they cover the tasks that did. */
function measureRun(graph: BenchGraph, events: ReadonlyArray<Record<string, unknown>>, wallMs: number, slots: number, exitFailure: string | undefined): GraphRun {
  const { seen, failure: taskFailure } = readTimelines(events);
  let failure = exitFailure ?? taskFailure;
  const summary = (events.find((e) => e['type'] === 'run-finished')?.['summary'] ?? { ok: false, tasks: [] }) as Summary;
  const byId = new Map(summary.tasks.map((t) => [t.id, t]));
  const mergedIds = graph.tasks.filter((t) => byId.get(t.id)?.status === 'merged' && seen.get(t.id)?.merged !== undefined).map((t) => t.id);
  if (mergedIds.length < graph.tasks.length) failure ??= `${mergedIds.length}/${graph.tasks.length} tasks merged`;
  const durations = new Map(mergedIds.map((id) => [id, byId.get(id)!.durationMs ?? 0]));
  const held = new Map(mergedIds.map((id) => [id, seen.get(id)!.merged! - seen.get(id)!.dispatching!]));
  const tasks = graph.tasks.filter((t) => durations.has(t.id)).map((t) => ({ ...t, after: t.after.filter((d) => durations.has(d)) }));
  const starts = mergedIds.map((id) => seen.get(id)!.dispatching!);
  const ends = mergedIds.map((id) => seen.get(id)!.merged!);
  const gaps = tasks.filter((t) => t.after.length > 0).map((t) => seen.get(t.id)!.dispatching! - Math.max(...t.after.map((d) => seen.get(d)!.merged!))).sort((a, b) => a - b);
  const perAgent: Record<string, number> = {};
  for (const id of mergedIds) {
    const name = byId.get(id)!.agent ?? '?';
    perAgent[name] = (perAgent[name] ?? 0) + 1;
  }
  const run: GraphRun = {
    graph, shape: shapeOf(graph.tasks), merged: mergedIds.length, wallMs,
    makespanMs: mergedIds.length > 0 ? Math.max(...ends) - Math.min(...starts) : 0,
    bound: lowerBound(tasks, durations, slots),
    heldBound: lowerBound(tasks, held, slots),
    sim: Object.fromEntries(RANKINGS.map((ranking) => [ranking, simulate(tasks, durations, MAKESPAN_AGENTS, MAKESPAN_SLOTS_EACH, ranking)])) as Record<Ranking, number>,
    p50: {
      sleep: p50(graph.tasks.filter((t) => durations.has(t.id)).map((t) => t.sleepMs)),
      agent: p50([...durations.values()]),
      startWithDeps: p50(tasks.filter((t) => t.after.length > 0).map((t) => gap(seen.get(t.id)!, 'dispatching', 'queued'))),
      startNoDeps: p50(tasks.filter((t) => t.after.length === 0).map((t) => gap(seen.get(t.id)!, 'dispatching', 'queued'))),
      delivery: p50(mergedIds.map((id) => gap(seen.get(id)!, 'queued', 'integrating') - durations.get(id)!)),
      merge: p50(mergedIds.map((id) => gap(seen.get(id)!, 'integrating', 'merged'))),
    },
    readyToDispatch: gaps.length > 0 ? { p50: percentile(gaps, 50), max: gaps.at(-1)! } : { p50: 0, max: 0 },
    perAgent,
  };
  if (failure !== undefined) run.failure = failure;
  return run;
}

/** `to` − `from` of one task, NaN when it did not pass through both (a task that made no commit is never 'integrating'). */
function gap(line: Timeline, from: Status, to: Status): number {
  return (line[to] ?? NaN) - (line[from] ?? NaN);
}

/** Median of the numbers that are not NaN; NaN when there are none. */
function p50(values: readonly number[]): number {
  const known = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return known.length > 0 ? percentile(known, 50) : NaN;
}
