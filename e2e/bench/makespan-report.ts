/** Prints (e), the makespan figures, and their rows of the final table. */
import type { GraphRun, MakespanResult } from './makespan.js';
import type { Row } from './stats.js';
import { MAKESPAN_AGENTS, MAKESPAN_SLOTS_EACH } from './makespan.js';
import { ESTIMATE_SPREAD } from './makespan-graphs.js';

/** Makespan / lower bound on every graph passes at or below this; the wide graph, at or below WIDE. */
export const MAKESPAN_TARGET = 1.1;
export const MAKESPAN_TARGET_WIDE = 1.05;

const s = (ms: number): string => (ms / 1000).toFixed(2);
const targetOf = (run: GraphRun): number => (run.graph.name === 'wide' ? MAKESPAN_TARGET_WIDE : MAKESPAN_TARGET);

const ratioOf = (r: GraphRun): number => r.makespanMs / r.bound.ms;

/** One graph's runs: the median one (by ratio), whose figures stand for the graph, and every ratio, low to high. */
interface GraphRuns {
  median: GraphRun;
  ratios: number[];
  /** The first run that did not merge every task, if any did not. */
  failed?: GraphRun;
}

function byGraph(runs: readonly GraphRun[]): GraphRuns[] {
  const names = [...new Set(runs.map((r) => r.graph.name))];
  return names.map((name) => {
    const all = runs.filter((r) => r.graph.name === name).sort((a, b) => ratioOf(a) - ratioOf(b));
    const failed = all.find((r) => r.failure);
    return { median: all[(all.length - 1) >> 1]!, ratios: all.map(ratioOf), ...(failed ? { failed } : {}) };
  });
}

/** The median ratio, and `≤ target PASS|MISS`: a graph one of whose runs did not merge every task misses. */
function judge(g: GraphRuns): { ratio: string; target: string } {
  const target = targetOf(g.median);
  const ratio = ratioOf(g.median);
  return { ratio: ratio.toFixed(3), target: `≤ ${target.toFixed(2)} ${!g.failed && ratio <= target ? 'PASS' : 'MISS'}` };
}

export function reportMakespan(e: MakespanResult): Row[] {
  const graphs = byGraph(e.runs);
  const rounds = graphs[0]?.ratios.length ?? 0;
  console.log(`(e) makespan of four graphs, ${MAKESPAN_AGENTS} agents × ${MAKESPAN_SLOTS_EACH} slots, ${rounds} runs each (s); set-up and warm-up took ${s(e.setupMs)} s`);
  console.log('    makespan: the first task\'s "dispatching" to the last "merged", times of the driver\'s NDJSON task-status events');
  console.log('    a task\'s length: its result\'s durationMs, timed by its agent from the task taking a slot to its committed result (not its wait in the agent\'s queue)');
  console.log(`    bound: max(critical path, total work / ${e.slots} slots) over those lengths; ratio = makespan / bound, each run over its own lengths`);
  console.log(`    each task's goal entry has an \`estimate:\` of its sleep within ±${ESTIMATE_SPREAD * 100}% (seeded), which the scheduler weighs critical paths by`);
  console.log('    the row of a graph is its median run; "runs" lists every run\'s ratio, low to high');
  const head = ['graph', 'tasks', 'edges', 'depth', 'width', 'makespan', 'bound', 'path', `work/${e.slots}`, 'ratio', 'runs', 'target'];
  const rows = graphs.map((g) => {
    const r = g.median;
    const { ratio, target } = judge(g);
    return [r.graph.name, r.shape.tasks, r.shape.edges, r.shape.depth, r.shape.width, s(r.makespanMs), s(r.bound.ms), s(r.bound.pathMs), s(r.bound.workPerSlotMs), ratio, g.ratios.map((x) => x.toFixed(3)).join(' '), target].map(String);
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const line of [head, ...rows]) console.log(`    ${line.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`);
  for (const g of graphs) printDetails(g.failed ?? g.median, e.slots);
  return graphs.map((g) => ({ figure: `(e) ${g.median.graph.name} makespan s vs lower bound, median of ${g.ratios.length}`, measured: s(g.median.makespanMs), baseline: s(g.median.bound.ms), ...judge(g) }));
}

/** The graph's make-up and where the time of one of its runs went (the median one, or the first that failed). */
function printDetails(r: GraphRun, slots: number): void {
  console.log(`    ${r.graph.name}: ${r.graph.about}; ${r.merged}/${r.shape.tasks} merged${r.failure ? `, FAILED ${r.failure}` : ''}; whole CLI run ${s(r.wallMs)} s`);
  console.log(`      bound over the time the driver held each task (dispatching → merged): ${s(r.heldBound.ms)} s (path ${s(r.heldBound.pathMs)}, work/${slots} ${s(r.heldBound.workPerSlotMs)}), ratio ${(r.makespanMs / r.heldBound.ms).toFixed(3)}`);
  const sim = (ms: number): string => (ms / r.bound.ms).toFixed(3);
  console.log(`      zero-overhead replay of assign() over the same lengths, of the bound: as called (the goal's estimates) ${sim(r.sim['as-called'])},` +
    ` without estimates ${sim(r.sim['no-estimates'])}, told the exact lengths ${sim(r.sim['known-lengths'])}, goal order ${sim(r.sim['goal-order'])}`);
  const p = r.p50;
  console.log(`      per task p50 (ms): stand-in sleep ${p.sleep.toFixed(0)}, agent's durationMs ${p.agent.toFixed(0)};` +
    ` dispatching→queued (base synced, task started) ${p.startWithDeps.toFixed(0)} with dependencies, ${p.startNoDeps.toFixed(0)} without;` +
    ` result delivery (queued→integrating beyond durationMs) ${p.delivery.toFixed(0)}; integrating→merged ${p.merge.toFixed(0)}`);
  console.log(`      last dependency merged → dispatching (includes waiting for a slot): p50 ${r.readyToDispatch.p50.toFixed(0)} ms, max ${r.readyToDispatch.max.toFixed(0)} ms`);
  console.log(`      tasks per agent: ${Object.entries(r.perAgent).map(([a, n]) => `${a} ${n}`).join(', ')}`);
}
