/**
 * `npm run bench`: terminal throughput, live PTY streaming, hook latency, per-task overhead,
 * makespan and the renderer under load in Chromium, each printed beside a baseline measured in
 * the same run where one exists (median and range of several runs, and the ratio). `npm run bench -- makespan overhead` runs only the sections named.
 * Loopback only, never mDNS; every process and temp dir it starts is gone when it ends.
 */
import { availableParallelism } from 'node:os';
import { Scope } from '../harness.js';
import { AgentLink } from './agent-link.js';
import { measureThroughput, type ThroughputResult } from './throughput.js';
import { measureLive, type LiveResult } from './pty-live.js';
import { measureOverhead, CHAIN_TASKS, REPO_FILES, type OverheadResult } from './overhead.js';
import { MIB, fmt, percentile, printTable, type Row } from './stats.js';
import { measureHookLatency, type HookLatencyResult } from './hook-latency.js';
import { measureMakespan } from './makespan.js';
import { reportMakespan } from './makespan-report.js';
import { measureRendererLoad } from './renderer-load.js';
import { reportRendererLoad } from './renderer-load-report.js';

/** Section names for `npm run bench -- NAME...`, in the order they run. */
const SECTIONS = ['throughput', 'live', 'hooks', 'overhead', 'makespan', 'renderer'] as const;
type Section = (typeof SECTIONS)[number];
/** Sections that share one bench agent (agent-link.ts). */
const LINK_SECTIONS: readonly Section[] = ['throughput', 'live', 'hooks'];

/** The sections named on the command line, or all of them; undefined when a name is unknown. */
function selectedSections(args: readonly string[]): Set<Section> | undefined {
  if (args.length === 0) return new Set(SECTIONS);
  const known = new Set<string>(SECTIONS);
  return args.every((a) => known.has(a)) ? new Set(args as Section[]) : undefined;
}

const REPLAY_RUNS = 5;
const LIVE_RUNS = 5;
/** (c) repeats its chain up to this often, but starts no new run after CHAIN_BUDGET_MS. */
const CHAIN_MAX_RUNS = 3;
const CHAIN_BUDGET_MS = 60_000;
const CHECKOUT_RUNS = 3;
const STAND_IN_RUNS = 10;
/** (b) passes when live on the driver reaches this share of the local PTY rate. */
const LIVE_TARGET_RATIO = 0.9;
/** (c) passes when the warm per-task overhead p50 is below this. */
const OVERHEAD_TARGET_P50_MS = 300;

function reportThroughput(a: ThroughputResult): Row {
  const ratio = a.term.median / a.raw.median;
  console.log(`(a) term replay of a ${(a.logBytes / MIB).toFixed(1)} MiB log, ${a.term.values.length} runs (MiB/s)`);
  console.log(`    term protocol  ${fmt(a.term)}`);
  console.log(`    raw TCP        ${fmt(a.raw)}`);
  console.log(`    ratio          ${ratio.toFixed(3)}`);
  console.log(`    (the PTY produced that log at ${a.producedMiBs.toFixed(1)} MiB/s; agent RSS ${(a.before.rssBytes / MIB).toFixed(0)} MiB before the replays,` +
    ` ${(a.child.rssBytes / MIB).toFixed(0)} MiB after, peak ${(a.child.maxRssBytes / MIB).toFixed(0)} MiB, longest event-loop stall ${a.child.maxLoopDelayMs.toFixed(0)} ms)`);
  return { figure: '(a) term replay MiB/s vs raw TCP', measured: fmt(a.term), baseline: fmt(a.raw), ratio: ratio.toFixed(3), target: '-' };
}

function reportLive(b: LiveResult): Row {
  const ratio = b.live.median / b.local.median;
  const verdict = ratio >= LIVE_TARGET_RATIO ? 'PASS' : 'MISS';
  console.log(`(b) PTY flood of ${(b.bytes / MIB).toFixed(1)} MiB, ${b.live.values.length} runs (MiB/s, first to last byte)`);
  console.log(`    live on driver ${fmt(b.live)}`);
  console.log(`    local PTY      ${fmt(b.local)}`);
  console.log(`    ratio          ${ratio.toFixed(3)}  ${verdict} (target ≥ ${LIVE_TARGET_RATIO})`);
  return { figure: '(b) live PTY MiB/s vs local PTY', measured: fmt(b.live), baseline: fmt(b.local), ratio: ratio.toFixed(3), target: `≥ ${LIVE_TARGET_RATIO} ${verdict}` };
}

function reportOverhead(c: OverheadResult): Row[] {
  const verdict = c.p50.median < OVERHEAD_TARGET_P50_MS ? 'PASS' : 'MISS';
  const runs = c.merged.length;
  const allMerged = c.merged.every((m) => m === CHAIN_TASKS);
  const floor = c.standIn.median + c.checkout.median;
  console.log(`(c) chain of ${CHAIN_TASKS} tasks on a ${REPO_FILES}-file repo, --local 2, ${runs} run(s) (ms, dispatching → merged)`);
  console.log(`    merged         ${c.merged.map((m) => `${m}/${CHAIN_TASKS}`).join(', ')}${c.failures.map((f) => `\n    FAILED         ${f}`).join('')}`);
  console.log(`    warm p50       ${fmt(c.p50, 0)}  ${verdict} (target < ${OVERHEAD_TARGET_P50_MS} ms)`);
  console.log(`    warm p95       ${fmt(c.p95, 0)}`);
  console.log(`    warm tasks     ${fmt(c.warm, 0)}  (${c.warm.values.length} tasks: median (min–max))`);
  console.log(`    cold t1        ${fmt(c.cold, 0)}  (fresh agent: syncs the repo first)`);
  console.log(`    warm phases    ${c.phases.map((p) => `${p.phase} ${p.ms.toFixed(0)}`).join(', ')}`);
  console.log(`    whole CLI run  ${fmt(c.wall, 0)}`);
  console.log(`    baseline: stand-in alone ${fmt(c.standIn, 0)} (${c.standIn.values.length} runs); git worktree add of the repo ${fmt(c.checkout, 0)} (${c.checkout.values.length} runs)`);
  const r = (s: { median: number }, base: number): string => `${(s.median / base).toFixed(2)}×`;
  const sb = fmt(c.standIn, 0);
  return [
    { figure: '(c) per-task p50 ms vs stand-in', measured: fmt(c.p50, 0), baseline: sb, ratio: r(c.p50, c.standIn.median), target: `< ${OVERHEAD_TARGET_P50_MS} ${verdict}` },
    { figure: '(c) per-task p95 ms vs stand-in', measured: fmt(c.p95, 0), baseline: sb, ratio: r(c.p95, c.standIn.median), target: '-' },
    { figure: '(c) cold first task ms vs stand-in', measured: fmt(c.cold, 0), baseline: sb, ratio: r(c.cold, c.standIn.median), target: '-' },
    { figure: '(c) p50 vs stand-in + checkout', measured: fmt(c.p50, 0), baseline: floor.toFixed(0), ratio: r(c.p50, floor), target: '-' },
    { figure: '(c) chain tasks merged', measured: c.merged.map((m) => `${m}/${CHAIN_TASKS}`).join(', '), baseline: '-', ratio: '-', target: `all ${allMerged ? 'PASS' : 'MISS'}` },
  ];
}

/** Turns measured for (d); each gives a few hook-driven state changes. */
const HOOK_TASKS = 30;
/** What screen-scraping tools use (notes/peers.md): a 500 ms poll and a 1.5 s debounce. */
const SCRAPE_POLL_MS = 500;
const SCRAPE_DEBOUNCE_MS = 1500;

function reportHooks(d: HookLatencyResult): Row[] {
  const sorted = [...d.toDriver].sort((x, y) => x - y);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  console.log(`(d) hook → driver state change, ${sorted.length} changes over ${HOOK_TASKS} turns (ms)`);
  console.log(`    p50 ${p50.toFixed(1)}  p99 ${p99.toFixed(1)}  max ${sorted.at(-1)?.toFixed(1)}  (relay process start-up ${fmt(d.relayStart, 1)} comes before this)`);
  return [
    { figure: '(d) hook→driver p50 ms vs scrape poll', measured: p50.toFixed(1), baseline: String(SCRAPE_POLL_MS), ratio: (p50 / SCRAPE_POLL_MS).toFixed(3), target: '< 100 ' + (p50 < 100 ? 'PASS' : 'MISS') },
    { figure: '(d) hook→driver p99 ms vs scrape debounce', measured: p99.toFixed(1), baseline: String(SCRAPE_DEBOUNCE_MS), ratio: (p99 / SCRAPE_DEBOUNCE_MS).toFixed(3), target: '< 100 ' + (p99 < 100 ? 'PASS' : 'MISS') },
    { figure: '(d) relay start-up ms', measured: fmt(d.relayStart, 1), baseline: '-', ratio: '-', target: '-' },
  ];
}

async function main(): Promise<number> {
  const sections = selectedSections(process.argv.slice(2));
  if (!sections) {
    console.error(`usage: npm run bench [-- SECTION...], SECTION one of: ${SECTIONS.join(', ')} (default: all)`);
    return 2;
  }
  const scope = new Scope();
  const started = Date.now();
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    void scope.cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(`claudecluster bench: node ${process.version}, ${availableParallelism()} cores, loopback, no mDNS`);
  const rows: Row[] = [];
  try {
    if (LINK_SECTIONS.some((name) => sections.has(name))) {
      const link = await AgentLink.start(scope);
      try {
        if (sections.has('throughput')) rows.push(reportThroughput(await measureThroughput(link, REPLAY_RUNS)));
        if (sections.has('live')) rows.push(reportLive(await measureLive(link, LIVE_RUNS)));
        if (sections.has('hooks')) rows.push(...reportHooks(await measureHookLatency(link, HOOK_TASKS)));
      } finally {
        await link.stop();
      }
    }
    if (sections.has('overhead')) {
      rows.push(...reportOverhead(await measureOverhead(scope, { maxRuns: CHAIN_MAX_RUNS, budgetMs: CHAIN_BUDGET_MS, standInRuns: STAND_IN_RUNS, checkoutRuns: CHECKOUT_RUNS })));
    }
    if (sections.has('makespan')) rows.push(...reportMakespan(await measureMakespan(scope)));
    if (sections.has('renderer')) rows.push(...reportRendererLoad(await measureRendererLoad()));
    console.log('');
    printTable(rows);
    console.log(`\nbench took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    if (!interrupted) await scope.cleanup();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exit(1);
});
