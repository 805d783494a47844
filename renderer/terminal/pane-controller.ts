/**
 * One task's terminal: an xterm instance fed by `term.attach` + `term.data` (through TermFeed,
 * which drops what the pane already has and acks what it wrote), sending keystrokes as
 * `task.input` and its size as `task.resize`. Bytes go bridge → xterm, never through React.
 */
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { WebglAddon } from '@xterm/addon-webgl';
import type { BridgeApi } from '../../shared/bridge/contract.js';
import { MAX_INPUT_CHARS } from '../../shared/bridge/contract.js';
import { PANE_SCROLLBACK_LINES } from '../../shared/bridge/constants.js';
import { TermFeed } from '../logic/term-feed.js';
import { WriteGate } from '../logic/write-gate.js';
import type { PaneHandle } from './pane-registry.js';
import { claimWebgl, releaseWebgl } from './renderer-choice.js';
import { TERMINAL_FONT, TERMINAL_FONT_SIZE } from './xterm-theme.js';

export interface PaneOptions {
  bridge: BridgeApi;
  runId: string;
  taskId: string;
  theme: ITheme;
  /** The pane took the keyboard (a click into it). */
  onFocus(): void;
  /** Something the user should know about this pane went wrong. */
  onError(message: string): void;
}

/** One per page: the pane with the keyboard is written first (write-gate.ts). */
const writes = new WriteGate({ now: () => performance.now(), later: (fn, ms) => void setTimeout(fn, ms) });

export class PaneController implements PaneHandle {
  readonly runId: string;
  private readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  /** The app's feed of this task while the pane takes it (not while the page is hidden). */
  private feed: TermFeed | undefined;
  private offData: (() => void) | undefined;
  private readonly resizeObserver: ResizeObserver;
  private webgl: WebglAddon | undefined;
  private acceptsInput = false;
  private sentSize = '';
  private fitFrame = 0;
  private disposed = false;
  /** Which pane this is to the write gate: a run's task. */
  private readonly key: string;

  constructor(private readonly host: HTMLElement, private readonly opts: PaneOptions) {
    this.runId = opts.runId;
    this.key = `${opts.runId}/${opts.taskId}`;
    this.term = new Terminal({
      scrollback: PANE_SCROLLBACK_LINES,
      fontFamily: TERMINAL_FONT,
      fontSize: TERMINAL_FONT_SIZE,
      theme: opts.theme,
      disableStdin: true,
      cursorBlink: false,
    });
    this.term.loadAddon(this.fitAddon);
    this.term.open(host);
    if (claimWebgl()) this.loadWebgl();
    if (!document.hidden) this.connect();
    document.addEventListener('visibilitychange', this.onVisibility);
    this.term.onData((data) => this.sendInput(data));
    this.term.onResize(({ cols, rows }) => this.sendSize(cols, rows));
    this.term.textarea?.addEventListener('focus', this.onFocus);
    this.term.textarea?.addEventListener('blur', this.onBlur);
    this.resizeObserver = new ResizeObserver(() => this.scheduleFit());
    this.resizeObserver.observe(host);
  }

  /** Input and size changes reach the session only while it is live. */
  setAcceptsInput(accepts: boolean): void {
    this.acceptsInput = accepts;
    this.term.options.disableStdin = !accepts;
    if (accepts) this.sendSize(this.term.cols, this.term.rows);
  }

  setTheme(theme: ITheme): void {
    this.term.options.theme = theme;
  }

  focus(): void {
    this.term.focus();
  }

  buffer(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) {
      const line = buf.getLine(i);
      if (!line) continue;
      const text = line.translateToString(true);
      if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    return lines.join('\n');
  }

  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.fitFrame);
    this.resizeObserver.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.disconnect();
    this.term.textarea?.removeEventListener('focus', this.onFocus);
    this.term.textarea?.removeEventListener('blur', this.onBlur);
    writes.forget(this.key);
    if (this.webgl) {
      this.webgl.dispose();
      releaseWebgl();
    }
    this.term.dispose();
  }

  /** Feeds the pane from the app: the task's recent output first, then every live batch. */
  private connect(): void {
    const { bridge, runId, taskId } = this.opts;
    const feed = new TermFeed({
      write: (data, done) => writes.write(this.key, data, (d, parsed) => this.term.write(d, parsed), done),
      // A lost ack only matters while the bridge is up; a gone bridge shows its own banner.
      ack: (chars) => void bridge.call('term.ack', { runId, taskId, chars }).catch(() => undefined),
    });
    this.feed = feed;
    // Listen before attaching, so no batch sent after the attach answer is missed.
    this.offData = bridge.on('term.data', (batch) => {
      if (batch.runId === runId && batch.taskId === taskId) feed.receive(batch);
    });
    bridge.call('term.attach', { runId, taskId }).then(
      (result) => feed.attached(result),
      (err: unknown) => {
        if (this.feed === feed) this.term.write(`\x1b[2m(no terminal output: ${err instanceof Error ? err.message : String(err)})\x1b[0m\r\n`);
      },
    );
  }

  /** Stops the feed; the app is told, else it would keep feeding a pane that acks nothing and hold its task's stream for it. */
  private disconnect(): void {
    if (!this.feed) return;
    this.offData?.();
    this.offData = undefined;
    this.feed.dispose();
    this.feed = undefined;
    writes.drop(this.key);
    void this.opts.bridge.call('term.detach', { runId: this.opts.runId, taskId: this.opts.taskId }).catch(() => undefined);
  }

  /**
   * A hidden page (a background tab, a minimized window) runs its timers about once a second and
   * would draw so slowly that the app held every task's stream for it: it lets go of its feeds,
   * and takes them up afresh, from the recent output, when it is shown again.
   */
  private readonly onVisibility = (): void => {
    if (this.disposed) return;
    if (document.hidden) {
      this.disconnect();
    } else if (!this.feed) {
      this.term.reset();
      this.connect();
    }
  };

  private readonly onFocus = (): void => {
    writes.focus(this.key);
    this.opts.onFocus();
  };

  private readonly onBlur = (): void => {
    writes.focus(undefined);
  };

  private loadWebgl(): void {
    try {
      const addon = new WebglAddon();
      // A lost context (GPU reset, too many contexts) leaves xterm on its DOM renderer.
      addon.onContextLoss(() => this.dropWebgl());
      this.term.loadAddon(addon);
      this.webgl = addon;
    } catch (err) {
      // No WebGL2 here (no GPU, or blocked): the DOM renderer xterm started with stays.
      console.info(`terminal ${this.opts.taskId}: WebGL unavailable, using the DOM renderer (${err instanceof Error ? err.message : String(err)})`);
      releaseWebgl();
    }
  }

  private dropWebgl(): void {
    if (!this.webgl) return;
    this.webgl.dispose();
    this.webgl = undefined;
    releaseWebgl();
  }

  private scheduleFit(): void {
    cancelAnimationFrame(this.fitFrame);
    this.fitFrame = requestAnimationFrame(() => {
      // A hidden pane (another view, or a maximized neighbour) has no size to fit to.
      if (this.disposed || this.host.clientWidth === 0 || this.host.clientHeight === 0) return;
      this.fitAddon.fit();
    });
  }

  /**
   * Each key leaves at once, without waiting for the reply to the one before: under a flood of
   * output that reply queues behind the output on the socket, and a key that waited for it took
   * a second to leave the page. Calls keep their order: the bridge handles requests in the order
   * they arrive, and each is written to the session's terminal stream before the next is read.
   */
  private sendInput(data: string): void {
    if (!this.acceptsInput || this.disposed) return;
    writes.typed();
    const { bridge, runId, taskId } = this.opts;
    for (let at = 0; at < data.length; at += MAX_INPUT_CHARS) {
      bridge.call('task.input', { runId, taskId, data: data.slice(at, at + MAX_INPUT_CHARS) })
        .catch((err: unknown) => this.opts.onError(`Input to task ${taskId} was not delivered: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  private sendSize(cols: number, rows: number): void {
    const size = `${cols}x${rows}`;
    if (!this.acceptsInput || size === this.sentSize) return;
    this.sentSize = size;
    const { bridge, runId, taskId } = this.opts;
    // A refused resize leaves the session at its old size, which still works: nothing to tell.
    void bridge.call('task.resize', { runId, taskId, cols, rows }).catch(() => undefined);
  }
}
