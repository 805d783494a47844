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

/** The figure, and `≤ target PASS|MISS` (a run that did not merge every task misses). */
function judge(r: GraphRun): { ratio: string; target: string } {
  const ratio = r.makespanMs / r.bound.ms;
  return { ratio: ratio.toFixed(3), target: `≤ ${targetOf(r).toFixed(2)} ${!r.failure && ratio <= targetOf(r) ? 'PASS' : 'MISS'}` };
}

export function reportMakespan(e: MakespanResult): Row[] {
  console.log(`(e) makespan of four graphs, ${MAKESPAN_AGENTS} agents × ${MAKESPAN_SLOTS_EACH} slots, one run each (s); set-up and warm-up took ${s(e.setupMs)} s`);
  console.log('    makespan: the first task\'s "dispatching" to the last "merged", times of the driver\'s NDJSON task-status events');
  console.log('    a task\'s length: its result\'s durationMs, timed by its agent from the task taking a slot to its committed result (not its wait in the agent\'s queue)');
  console.log(`    bound: max(critical path, total work / ${e.slots} slots) over those lengths; ratio = makespan / bound`);
  console.log(`    each task's goal entry has an \`estimate:\` of its sleep within ±${ESTIMATE_SPREAD * 100}% (seeded), which the scheduler weighs critical paths by`);
  const head = ['graph', 'tasks', 'edges', 'depth', 'width', 'makespan', 'bound', 'path', `work/${e.slots}`, 'ratio', 'target'];
  const rows = e.runs.map((r) => {
    const { ratio, target } = judge(r);
    return [r.graph.name, r.shape.tasks, r.shape.edges, r.shape.depth, r.shape.width, s(r.makespanMs), s(r.bound.ms), s(r.bound.pathMs), s(r.bound.workPerSlotMs), ratio, target].map(String);
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const line of [head, ...rows]) console.log(`    ${line.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`);
  for (const r of e.runs) printDetails(r, e.slots);
  return e.runs.map((r) => ({ figure: `(e) ${r.graph.name} makespan s vs lower bound`, measured: s(r.makespanMs), baseline: s(r.bound.ms), ...judge(r) }));
}

/** The graph's make-up and where its time went. */
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
