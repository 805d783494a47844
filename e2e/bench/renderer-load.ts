/**
 * (f) The renderer under load, in Chromium: 16 terminal panes, each fed 1 MiB/s of coloured,
 * numbered lines for 30 s through the real ui server, bridge and terminal feeds
 * (renderer-load-server.ts), while a key is typed into one pane every 200 ms. What is measured is
 * the renderer: keystroke → echo written into xterm (the page's ack of it; paint not included),
 * main-thread long tasks, frame rate, the JS heap at the end, how much output each pane kept up
 * with, and characters lost (generated minus written into xterm, after the backlog drained, plus
 * line numbers missing from what each pane's scrollback still holds).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { TERM_ACK_EVERY_CHARS } from '../../shared/bridge/constants.js';
import { ROOT, waitFor } from '../harness.js';
import { PageProblems, chromiumMissing, launchChromium } from '../ui/browser.js';
import { LoadSource, serveLoad, type Echo, type FeedStats } from './renderer-load-server.js';
import { endWindow, focusPane, heapOf, installProbe, keyToSendMs, missingInTail, paneBuffer, paneCount, startWindow, type HeapFigures, type WindowFigures } from './renderer-load-page.js';
import { MIB, now } from './stats.js';

export const PANES = 16;
export const BYTES_PER_SEC = MIB;
export const LOAD_MS = 30_000;
export const KEY_INTERVAL_MS = 200;
/**
 * Keys stop this long before the load does: an echo counts as written when the page acknowledges
 * it, which it does once enough output follows, so an echo after the last output would wait for
 * the drain's closing block.
 */
const KEYS_END_BEFORE_LOAD_MS = 1_000;
/** The generator tops every feed up to its rate this often. */
const TICK_MS = 10;
/** After the load, how long the page gets to write what is still queued for it. */
const DRAIN_MS = 20_000;
const VIEWPORT = { width: 1920, height: 1080 };
const PAGE_READY_MS = 30_000;
/** The pane typed into. */
export const TYPED_PANE = 't01';
const KEYS = 'abcdefghijklmnopqrstuvwxyz';
const FILLER = 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ';

export interface RendererLoadResult {
  panes: number;
  bytesPerSec: number;
  loadMs: number;
  /** Per key: pressed → its echo written into the pane's xterm (the page's ack of it). */
  echoMs: number[];
  /** Per key: pressed → its `task.input` at the driver (the page's part of the way there). */
  keyToDriverMs: number[];
  /** Per key: its echo at the driver → the batch holding it sent to the page (batching, flow control). */
  driverHoldMs: number[];
  /** Per key, inside the page: key down → its `task.input` sent on the WebSocket. */
  pageSendMs: number[];
  /** The machine's 1-minute load average before and after (other work on it skews every figure). */
  loadAverage: [number, number];
  keysPressed: number;
  echoesMissing: number;
  window: WindowFigures;
  heap: HeapFigures;
  /** Per pane: characters written into xterm during the load window, per second. */
  keptUpCharsPerSec: number[];
  /** Characters the sessions would have printed while flow control held them back. */
  heldBackChars: number;
  /** Characters generated but not yet written when the load stopped (queued, not lost). */
  backlogChars: number;
  /** Whether the page wrote its backlog within DRAIN_MS (else what is unwritten is not known to be lost). */
  drained: boolean;
  drainMs: number;
  generatedChars: number;
  /** Generated minus acknowledged as written, after the drain: lost, when drained. */
  unwrittenChars: number;
  /** Line numbers missing from what the panes' scrollback still holds. */
  tailGaps: number;
  sourceLoopP99Ms: number;
  pageErrors: string[];
}

const taskId = (i: number): string => `t${String(i + 1).padStart(2, '0')}`;

/** One numbered line of output, with colour, as a busy session prints. */
function line(id: string, seq: number): string {
  return `\x1b[2m${id} ${String(seq).padStart(7, '0')}\x1b[0m \x1b[3${(seq % 6) + 1}m●\x1b[0m ${FILLER}\r\n`;
}

/**
 * Tops every task's output up to `bytesPerSec` since it started, as a busy session prints. While
 * the app holds a task's output (its page has more than TERM_HOLD_ABOVE_CHARS queued), the driver
 * reads no more of that task's stream and the agent keeps the output in its log: here, what it
 * would have printed meanwhile is not printed (counted as `heldBack`), so the page is offered at
 * most the rate and never more than it can take.
 */
function generate(source: LoadSource, bytesPerSec: number): { stop(): Map<string, number>; heldBack(): number } {
  const started = now();
  const produced = new Map(source.taskIds.map((id) => [id, 0]));
  const seqs = new Map(source.taskIds.map((id) => [id, 0]));
  let heldBack = 0;
  const timer = setInterval(() => {
    const due = (bytesPerSec * (now() - started)) / 1000;
    for (const id of source.taskIds) {
      const have = produced.get(id)!;
      if (source.held.has(id)) {
        heldBack += Math.max(0, due - have);
        produced.set(id, Math.max(have, due));
        continue;
      }
      let chunk = '';
      let seq = seqs.get(id)!;
      while (have + chunk.length < due) chunk += line(id, ++seq);
      if (chunk === '') continue;
      seqs.set(id, seq);
      produced.set(id, have + chunk.length);
      source.write(id, chunk);
    }
  }, TICK_MS);
  return { stop: () => { clearInterval(timer); return seqs; }, heldBack: () => heldBack };
}

/** Exactly TERM_ACK_EVERY_CHARS characters: whatever the page had not yet acknowledged is acknowledged with them. */
function closingLines(id: string, lines: number): string {
  const text = `\r\n\x1b[1mend of ${id}: ${lines} lines\x1b[0m\r\n` + `${'-'.repeat(78)}\r\n`.repeat(Math.ceil(TERM_ACK_EVERY_CHARS / 80));
  return text.slice(0, TERM_ACK_EVERY_CHARS);
}

export async function measureRendererLoad(): Promise<RendererLoadResult | { skipped: string }> {
  const missing = chromiumMissing();
  if (missing) return { skipped: missing };
  if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) return { skipped: 'the renderer is not built (npx vite build, into dist/renderer)' };

  const before = loadavg()[0]!;
  const ids = Array.from({ length: PANES }, (_, i) => taskId(i));
  const source = new LoadSource(ids);
  const server = await serveLoad(source);
  const browser = await launchChromium();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const problems = new PageProblems(page);
    await installProbe(page);
    const cdp = await context.newCDPSession(page);
    // The DOM renderer, as CI's headless Chromium (no GPU) should use (see renderer-choice.ts).
    await page.goto(`${server.url}&renderer=dom`);
    await page.getByTestId('nav-terminals').click();
    await waitFor(async () => (await paneCount(page)) === PANES && ids.every((id) => source.stats.get(id)!.attaches > 0), `${PANES} panes attached`, PAGE_READY_MS);
    if (!(await focusPane(page, TYPED_PANE))) throw new Error(`no pane for ${TYPED_PANE}`);

    loop.enable();
    await startWindow(page);
    const gen = generate(source, BYTES_PER_SEC);
    const loadStart = now();
    // The load stops on time even while a key press waits for a busy page.
    const loadEnd = new Promise<{ lastSeq: Map<string, number>; loadMs: number; acked: number[] }>((resolve) => setTimeout(() => {
      resolve({ lastSeq: gen.stop(), loadMs: now() - loadStart, acked: ids.map((id) => source.stats.get(id)!.acked) });
    }, LOAD_MS));
    const presses: number[] = [];
    for (let k = 0; now() - loadStart < LOAD_MS - KEYS_END_BEFORE_LOAD_MS; k++) {
      const t0 = now();
      await page.keyboard.press(KEYS[k % KEYS.length]!);
      presses.push(t0);
      await sleep(Math.max(0, loadStart + (k + 1) * KEY_INTERVAL_MS - now()));
    }
    const { lastSeq, loadMs, acked } = await loadEnd;
    const window = await endWindow(page);
    loop.disable();
    const typedEchoes = (): Echo[] => source.echoes.filter((e) => e.taskId === TYPED_PANE);
    // Keys still on their way to the driver are echoed before the drain's closing block.
    await waitFor(() => typedEchoes().length >= presses.length, 'every key to reach the driver', DRAIN_MS).catch(() => undefined);
    source.flushAll();
    const keptUpCharsPerSec = acked.map((chars) => chars / (loadMs / 1000));
    const backlogChars = ids.reduce((sum, id) => sum + source.stats.get(id)!.generated - source.stats.get(id)!.acked, 0);

    // Drain: once each pane has everything and less than one ack's worth unacknowledged, a closing
    // block of exactly one ack's worth makes its acks add up to all it wrote.
    const drainStart = now();
    const settled = (id: string): boolean => {
      const s = source.stats.get(id)!;
      return s.sent === s.generated && s.generated - s.acked < TERM_ACK_EVERY_CHARS;
    };
    const drained = await waitFor(() => ids.every(settled), 'the panes to write their backlog', DRAIN_MS).then(() => true, () => false);
    if (drained) {
      for (const id of ids) source.write(id, closingLines(id, lastSeq.get(id)!));
      source.flushAll();
      await waitFor(() => ids.every((id) => source.stats.get(id)!.acked === source.stats.get(id)!.generated), 'every character acknowledged', DRAIN_MS).catch(() => undefined);
    }
    const drainMs = now() - drainStart;

    const heap = await heapOf(cdp);
    let tailGaps = 0;
    for (const id of ids) {
      const gaps = missingInTail((await paneBuffer(page, id)) ?? '', id, lastSeq.get(id)!);
      tailGaps += gaps < 0 ? 1 : gaps;
    }
    const echoes = typedEchoes();
    const echoMs = presses.flatMap((t0, i) => {
      const at = echoes[i]?.writtenAt;
      return at === undefined ? [] : [at - t0];
    });
    const keyToDriverMs = presses.flatMap((t0, i) => {
      const at = echoes[i]?.receivedAt;
      return at === undefined ? [] : [at - t0];
    });
    const driverHoldMs = echoes.flatMap((e) => (e.sentAt === undefined ? [] : [e.sentAt - e.receivedAt]));
    const pageSendMs = await keyToSendMs(page);
    const total = (f: (s: FeedStats) => number): number => ids.reduce((sum, id) => sum + f(source.stats.get(id)!), 0);
    return {
      panes: PANES, bytesPerSec: BYTES_PER_SEC, loadMs, echoMs, keyToDriverMs, driverHoldMs, pageSendMs, keysPressed: presses.length, loadAverage: [before, loadavg()[0]!], echoesMissing: presses.length - echoMs.length,
      window, heap, keptUpCharsPerSec, heldBackChars: gen.heldBack(), backlogChars, drained, drainMs,
      generatedChars: total((s) => s.generated), unwrittenChars: total((s) => s.generated - s.acked), tailGaps,
      sourceLoopP99Ms: loop.percentile(99) / 1e6, pageErrors: problems.unexpected(),
    };
  } finally {
    await browser.close();
    await server.close();
    source.dispose();
  }
}

/** (f)'s targets. */
export const ECHO_P95_TARGET_MS = 50;
export const HEAP_TARGET_BYTES = 400 * MIB;
