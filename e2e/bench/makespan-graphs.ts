/**
 * Task graphs for the makespan bench (e): four shapes of 50–100 tasks, built from a seed so
 * every run measures the same graphs, each task a stand-in session that sleeps a seeded time
 * and carries a rough `estimate:` of it, as a planner's would be.
 */
import { writeFile } from 'node:fs/promises';
import { rng } from './fixtures.js';

/** Each task's stand-in sleeps a whole number of ms in [MIN, MAX], drawn from the seed. */
export const SLEEP_MIN_MS = 300;
export const SLEEP_MAX_MS = 1500;
/** A task's estimate is its sleep times a factor drawn from [1 - SPREAD, 1 + SPREAD]. */
export const ESTIMATE_SPREAD = 0.4;

export interface BenchTask {
  id: string;
  after: string[];
  sleepMs: number;
  /** Its goal entry's `estimate:`, ms (whole ones). */
  estimateMs?: number;
}

export interface BenchGraph {
  name: string;
  /** One line on how it was built. */
  about: string;
  tasks: BenchTask[];
}

export interface GraphShape {
  tasks: number;
  edges: number;
  /** Tasks on the longest chain. */
  depth: number;
  /** The most tasks that can ever run at once (the largest set with no path between any two). */
  width: number;
}

type Rand = () => number;

const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const sleep = (rand: Rand): number => int(rand, SLEEP_MIN_MS, SLEEP_MAX_MS);

const WIDE_TASKS = 96;
/** Share of wide-graph tasks that wait for one earlier task. */
const WIDE_LINKED = 0.1;
const DEEP_CHAINS = 8;
const DEEP_CHAIN_MIN = 4;
const DEEP_CHAIN_MAX = 10;
/** Chance that a deep-graph task also waits for the task one step before it on another chain. */
const DEEP_CROSS = 0.15;
/** Strands that run side by side, each a row of diamonds: one task, a fan of tasks after it, one task after them all. */
const DIAMOND_STRANDS = 2;
const DIAMOND_STAGES = 6;
const DIAMOND_FAN_MIN = 2;
const DIAMOND_FAN_MAX = 5;
const RANDOM_TASKS = 60;
/** A random-graph task waits for 0–3 tasks among the RANDOM_WINDOW before it. */
const RANDOM_MAX_DEPS = 3;
const RANDOM_WINDOW = 20;

function wide(rand: Rand): BenchGraph {
  const tasks: BenchTask[] = [];
  for (let i = 0; i < WIDE_TASKS; i++) {
    const after = i > 0 && rand() < WIDE_LINKED ? [`w${int(rand, 0, i - 1)}`] : [];
    tasks.push({ id: `w${i}`, after, sleepMs: sleep(rand) });
  }
  return { name: 'wide', about: `${WIDE_TASKS} tasks, ${WIDE_LINKED * 100}% wait for one earlier task`, tasks };
}

function deep(rand: Rand): BenchGraph {
  const lengths = Array.from({ length: DEEP_CHAINS }, () => int(rand, DEEP_CHAIN_MIN, DEEP_CHAIN_MAX));
  const tasks: BenchTask[] = [];
  lengths.forEach((len, c) => {
    for (let i = 0; i < len; i++) {
      const after = i > 0 ? [`c${c}-${i - 1}`] : [];
      const other = c > 0 && i > 0 && i - 1 < lengths[c - 1]! && rand() < DEEP_CROSS;
      if (other) after.push(`c${c - 1}-${i - 1}`);
      tasks.push({ id: `c${c}-${i}`, after, sleepMs: sleep(rand) });
    }
  });
  return { name: 'deep', about: `${DEEP_CHAINS} chains of ${lengths.join('/')} tasks, a few cross links`, tasks };
}

function diamond(rand: Rand): BenchGraph {
  const tasks: BenchTask[] = [];
  const fans: string[] = [];
  for (let strand = 0; strand < DIAMOND_STRANDS; strand++) {
    const j = (stage: number): string => `s${strand}j${stage}`;
    tasks.push({ id: j(0), after: [], sleepMs: sleep(rand) });
    const widths: number[] = [];
    for (let stage = 0; stage < DIAMOND_STAGES; stage++) {
      const ids = Array.from({ length: int(rand, DIAMOND_FAN_MIN, DIAMOND_FAN_MAX) }, (_, k) => `s${strand}f${stage}-${k}`);
      widths.push(ids.length);
      for (const id of ids) tasks.push({ id, after: [j(stage)], sleepMs: sleep(rand) });
      tasks.push({ id: j(stage + 1), after: ids, sleepMs: sleep(rand) });
    }
    fans.push(widths.join('/'));
  }
  tasks.push({ id: 'end', after: Array.from({ length: DIAMOND_STRANDS }, (_, strand) => `s${strand}j${DIAMOND_STAGES}`), sleepMs: sleep(rand) });
  return { name: 'diamond', about: `${DIAMOND_STRANDS} side-by-side strands of ${DIAMOND_STAGES} fan-out/fan-in stages (${fans.join(' and ')}), then one last task`, tasks };
}

function random(rand: Rand): BenchGraph {
  const tasks: BenchTask[] = [];
  for (let i = 0; i < RANDOM_TASKS; i++) {
    const deps = new Set<string>();
    const want = Math.min(i, int(rand, 0, RANDOM_MAX_DEPS));
    while (deps.size < want) deps.add(`r${int(rand, Math.max(0, i - RANDOM_WINDOW), i - 1)}`);
    tasks.push({ id: `r${i}`, after: [...deps], sleepMs: sleep(rand) });
  }
  return { name: 'random', about: `${RANDOM_TASKS} tasks, each after 0–${RANDOM_MAX_DEPS} of the ${RANDOM_WINDOW} before it`, tasks };
}

/** Streams of the seed for the estimates start here, apart from the graphs' own. */
const ESTIMATE_STREAMS = 100;

/** The four graphs, each from its own stream of `seed`, their estimates from another. */
export function makeGraphs(seed: number): BenchGraph[] {
  return [wide, deep, diamond, random].map((make, i) => {
    const graph = make(rng(seed + i));
    const rand = rng(seed + ESTIMATE_STREAMS + i);
    for (const t of graph.tasks) t.estimateMs = Math.round(t.sleepMs * (1 - ESTIMATE_SPREAD + 2 * ESTIMATE_SPREAD * rand()));
    return graph;
  });
}

/** Tasks, edges, depth and width (by Dilworth: tasks minus a maximum matching over reachability). */
export function shapeOf(tasks: readonly BenchTask[]): GraphShape {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const deps = tasks.map((t) => t.after.map((d) => index.get(d)!));
  const depth: number[] = [];
  const order = topological(deps);
  for (const i of order) depth[i] = 1 + Math.max(0, ...deps[i]!.map((d) => depth[d]!));
  // reach[i]: every task that must finish before task i (its ancestors).
  const reach: Array<Set<number>> = [];
  for (const i of order) reach[i] = new Set(deps[i]!.flatMap((d) => [d, ...reach[d]!]));
  const matchOf = new Array<number>(tasks.length).fill(-1);
  const augment = (v: number, seen: Set<number>): boolean => {
    for (const u of reach[v]!) {
      if (seen.has(u)) continue;
      seen.add(u);
      if (matchOf[u] === -1 || augment(matchOf[u]!, seen)) { matchOf[u] = v; return true; }
    }
    return false;
  };
  let matched = 0;
  for (let v = 0; v < tasks.length; v++) if (augment(v, new Set())) matched++;
  return { tasks: tasks.length, edges: deps.reduce((n, d) => n + d.length, 0), depth: Math.max(0, ...depth), width: tasks.length - matched };
}

/** Indices in an order with every dependency first (the graphs here have no cycles). */
function topological(deps: ReadonlyArray<readonly number[]>): number[] {
  const out: number[] = [];
  const done = new Set<number>();
  const visit = (i: number): void => {
    if (done.has(i)) return;
    done.add(i);
    for (const d of deps[i]!) visit(d);
    out.push(i);
  };
  for (let i = 0; i < deps.length; i++) visit(i);
  return out;
}

/**
 * A goal file running `graph` in headless sessions: each task sleeps, then writes its own file,
 * naming the `round`, so no task is the same as one run before (nor reuses its result).
 */
export async function writeGraphGoal(file: string, graph: BenchGraph, round: number): Promise<void> {
  const lines = ['---', 'session:', '  mode: headless', '---', `# Makespan bench: ${graph.name}`, '', graph.about, '', '## Tasks'];
  for (const t of graph.tasks) {
    lines.push(`- ${t.id}: sleep ${t.sleepMs} ms, write out/${t.id}.txt`);
    if (t.after.length > 0) lines.push(`  after: ${t.after.join(', ')}`);
    if (t.estimateMs !== undefined) lines.push(`  estimate: ${t.estimateMs / 1000}`);
    lines.push(`  !sleep ${t.sleepMs}`, `  !write out/${t.id}.txt ${t.id} of round ${round}`);
  }
  await writeFile(file, lines.join('\n') + '\n');
}
