/** Prints (f), the renderer under load, and its rows of the final table. */
import { ECHO_P95_TARGET_MS, HEAP_TARGET_BYTES, KEY_INTERVAL_MS, TYPED_PANE, type RendererLoadResult } from './renderer-load.js';
import { MIB, fmt, percentile, sample, type Row } from './stats.js';

const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

export function reportRendererLoad(f: RendererLoadResult | { skipped: string }): Row[] {
  if ('skipped' in f) {
    console.log(`(f) renderer under load: skipped, ${f.skipped}`);
    return [{ figure: '(f) renderer under load', measured: 'skipped', baseline: '-', ratio: '-', target: f.skipped }];
  }
  const mib = (b: number): string => (b / MIB).toFixed(1);
  const seconds = f.loadMs / 1000;
  const rate = f.bytesPerSec / MIB;
  const sorted = [...f.echoMs].sort((a, b) => a - b);
  const p50 = sorted.length ? percentile(sorted, 50) : NaN;
  const p95 = sorted.length ? percentile(sorted, 95) : NaN;
  const max = sorted.at(-1) ?? NaN;
  const echoOk = sorted.length > 0 && f.echoesMissing === 0 && p95 < ECHO_P95_TARGET_MS;
  const heapOk = f.heap.usedBytes < HEAP_TARGET_BYTES;
  const lostOk = f.drained && f.unwrittenChars === 0 && f.tailGaps === 0;
  const lost = f.drained ? String(f.unwrittenChars + f.tailGaps) : `unknown (${mib(f.unwrittenChars)} MiB unwritten)`;
  const kept = sample(f.keptUpCharsPerSec.map((c) => c / MIB));
  console.log(`(f) renderer under load in Chromium: ${f.panes} panes × ${rate.toFixed(1)} MiB/s for ${seconds.toFixed(1)} s (DOM renderer), a key every ${KEY_INTERVAL_MS} ms into ${TYPED_PANE}.`);
  console.log('    The driver side is the real ui server, bridge and terminal feeds with synthetic output: the renderer is what is measured.');
  console.log(`    (load average ${f.loadAverage[0].toFixed(1)} before, ${f.loadAverage[1].toFixed(1)} after: other work on this machine skews these figures)`);
  console.log(`    key → echo in xterm  p50 ${p50.toFixed(1)}  p95 ${p95.toFixed(1)}  max ${max.toFixed(1)} ms (${sorted.length} of ${f.keysPressed} keys echoed)  ${verdict(echoOk)} (target p95 < ${ECHO_P95_TARGET_MS} ms)`);
  const toDriver = [...f.keyToDriverMs].sort((a, b) => a - b);
  const inPage = [...f.pageSendMs].sort((a, b) => a - b);
  const p = (xs: number[], n: number): string => (xs.length ? percentile(xs, n).toFixed(1) : '-');
  console.log(`      of which key → driver  p50 ${p(toDriver, 50)}  p95 ${p(toDriver, 95)} ms, of that key down → task.input sent in the page p50 ${p(inPage, 50)}  p95 ${p(inPage, 95)} ms;`);
  const held = [...f.driverHoldMs].sort((a, b) => a - b);
  console.log(`      then the echo held at the driver (5 ms batches, flow control) p50 ${p(held, 50)}  p95 ${p(held, 95)} ms; the rest: on its way to the page, queued behind the pane's own output there, then parsed`);
  console.log(`    long tasks           ${f.window.longTasks}, ${f.window.longTaskMs.toFixed(0)} ms in all (${((f.window.longTaskMs / f.loadMs) * 100).toFixed(0)}% of the time), longest ${f.window.longestMs.toFixed(0)} ms; ${f.window.fps.toFixed(0)} frames/s`);
  console.log(`    JS heap at the end   ${mib(f.heap.usedBytes)} MiB used (${mib(f.heap.totalBytes)} MiB allocated), ${f.heap.domNodes} DOM nodes  ${verdict(heapOk)} (target < ${HEAP_TARGET_BYTES / MIB} MiB)`);
  const offered = f.bytesPerSec * f.panes * (f.loadMs / 1000);
  console.log(`    written into xterm   ${fmt(kept, 2)} MiB/s per pane of ${rate.toFixed(1)} offered; flow control held the sessions back from ${((f.heldBackChars / offered) * 100).toFixed(0)}% of it;` +
    ` ${mib(f.backlogChars)} MiB queued at the end of the load, ${f.drained ? 'written' : 'NOT written'} in the ${(f.drainMs / 1000).toFixed(1)} s after`);
  console.log(`    characters lost      ${lost} of ${f.generatedChars}; ${f.tailGaps} line numbers missing from the panes' scrollback  ${verdict(lostOk)} (target 0)`);
  console.log(`    (the stand-in driver's event loop p99 ${f.sourceLoopP99Ms.toFixed(1)} ms; page errors: ${f.pageErrors.length === 0 ? 'none' : f.pageErrors.join(' | ')})`);
  const load = `${f.panes}×${rate.toFixed(0)} MiB/s`;
  return [
    { figure: `(f) key→echo p95 ms, ${load}`, measured: `${p95.toFixed(1)} (p50 ${p50.toFixed(1)}, max ${max.toFixed(1)})`, baseline: '-', ratio: '-', target: `< ${ECHO_P95_TARGET_MS} ${verdict(echoOk)}` },
    { figure: `(f) long tasks in ${seconds.toFixed(0)} s: count, total ms`, measured: `${f.window.longTasks}, ${f.window.longTaskMs.toFixed(0)}`, baseline: '-', ratio: '-', target: '-' },
    { figure: '(f) JS heap MiB at the end', measured: mib(f.heap.usedBytes), baseline: '-', ratio: '-', target: `< ${HEAP_TARGET_BYTES / MIB} ${verdict(heapOk)}` },
    { figure: '(f) pane MiB/s written vs offered', measured: fmt(kept, 2), baseline: rate.toFixed(2), ratio: (kept.median / rate).toFixed(3), target: '-' },
    { figure: '(f) characters lost', measured: lost, baseline: '-', ratio: '-', target: `0 ${verdict(lostOk)}` },
  ];
}
