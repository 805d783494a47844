/**
 * The page side of the renderer bench (f): what is measured inside Chromium. A script added
 * before the renderer's own records main-thread long tasks (PerformanceObserver 'longtask'),
 * counts animation frames, and notes when each key went down and when each `task.input` left on
 * the WebSocket; the JS heap and DOM size come from the DevTools protocol.
 */
import type { CDPSession, Page } from 'playwright';
import '../ui/browser.js';

/** What the init script keeps on `window`. */
const KEY = '__ccBenchProbe';

interface Probe {
  long: Array<[start: number, duration: number]>;
  frames: number;
  since: number;
  keydowns: number[];
  inputsSent: number[];
}

export interface WindowFigures {
  longTasks: number;
  longTaskMs: number;
  longestMs: number;
  fps: number;
}

/** Installs the probe; call before the page is opened. */
export async function installProbe(page: Page): Promise<void> {
  await page.addInitScript((key: string) => {
    const probe: Probe = { long: [], frames: 0, since: 0, keydowns: [], inputsSent: [] };
    (window as unknown as Record<string, Probe>)[key] = probe;
    window.addEventListener('keydown', () => probe.keydowns.push(performance.now()), true);
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === 'string' && data.includes('"method":"task.input"')) probe.inputsSent.push(performance.now());
      send.call(this, data);
    };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.long.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
    const frame = (): void => {
      probe.frames++;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, KEY);
}

/** Starts the measured window: long tasks and frames count from now. */
export function startWindow(page: Page): Promise<void> {
  return page.evaluate((key) => {
    const probe = (window as unknown as Record<string, Probe>)[key]!;
    probe.since = performance.now();
    probe.frames = 0;
  }, KEY);
}

/** Long tasks and frame rate since `startWindow`. */
export function endWindow(page: Page): Promise<WindowFigures> {
  return page.evaluate((key) => {
    const probe = (window as unknown as Record<string, Probe>)[key]!;
    const seconds = (performance.now() - probe.since) / 1000;
    const inWindow = probe.long.filter(([start]) => start >= probe.since);
    const durations = inWindow.map(([, d]) => d);
    return {
      longTasks: durations.length,
      longTaskMs: durations.reduce((a, d) => a + d, 0),
      longestMs: durations.reduce((a, d) => Math.max(a, d), 0),
      fps: probe.frames / seconds,
    };
  }, KEY);
}

/** Per key, in the page: key down → its `task.input` sent on the WebSocket (ms). */
export function keyToSendMs(page: Page): Promise<number[]> {
  return page.evaluate((key) => {
    const probe = (window as unknown as Record<string, Probe>)[key]!;
    return probe.inputsSent.map((sent, i) => sent - (probe.keydowns[i] ?? sent));
  }, KEY);
}

export interface HeapFigures {
  usedBytes: number;
  totalBytes: number;
  domNodes: number;
}

/** The page's JS heap (used and allocated) and DOM node count, from DevTools' Performance domain. */
export async function heapOf(cdp: CDPSession): Promise<HeapFigures> {
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string): number => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { usedBytes: metric('JSHeapUsedSize'), totalBytes: metric('JSHeapTotalSize'), domNodes: metric('Nodes') };
}

/** The text of a pane's terminal buffer, through the renderer's test hook. */
export function paneBuffer(page: Page, taskId: string): Promise<string | null> {
  return page.evaluate((id) => window.__ccPanes?.get(id)?.buffer() ?? null, taskId);
}

/** How many panes the renderer has registered. */
export function paneCount(page: Page): Promise<number> {
  return page.evaluate(() => window.__ccPanes?.size ?? 0);
}

export function focusPane(page: Page, taskId: string): Promise<boolean> {
  return page.evaluate((id) => {
    const pane = window.__ccPanes?.get(id);
    pane?.focus();
    return pane !== undefined;
  }, taskId);
}

/**
 * Checks what a pane still holds (its capped scrollback): every `TASK SEQ` line number from the
 * first kept to `lastSeq`, none missing. Returns the numbers missing in that stretch, or -1 when
 * the last line is not there at all.
 */
export function missingInTail(text: string, taskId: string, lastSeq: number): number {
  const seqs = [...text.matchAll(new RegExp(`${taskId} (\\d{7})`, 'g'))].map((m) => Number(m[1]));
  if (seqs.at(-1) !== lastSeq) return -1;
  const first = seqs[0]!;
  return lastSeq - first + 1 - new Set(seqs).size;
}
