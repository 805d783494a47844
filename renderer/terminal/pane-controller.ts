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

export class PaneController implements PaneHandle {
  readonly runId: string;
  private readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private readonly feed: TermFeed;
  private readonly offData: () => void;
  private readonly resizeObserver: ResizeObserver;
  private webgl: WebglAddon | undefined;
  private acceptsInput = false;
  private sentSize = '';
  private fitFrame = 0;
  /** Keystrokes go out one call after another, so they reach the session in order. */
  /** Typed input not sent yet: keys typed while one call is on its way go together in the next. */
  private pendingInput = '';
  private inputInFlight = false;
  private disposed = false;

  constructor(private readonly host: HTMLElement, private readonly opts: PaneOptions) {
    this.runId = opts.runId;
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
    const { bridge, runId, taskId } = opts;
    this.feed = new TermFeed({
      write: (data, done) => this.term.write(data, done),
      // A lost ack only matters while the bridge is up; a gone bridge shows its own banner.
      ack: (chars) => void bridge.call('term.ack', { runId, taskId, chars }).catch(() => undefined),
    });
    // Listen before attaching, so no batch sent after the attach answer is missed.
    this.offData = bridge.on('term.data', (batch) => {
      if (batch.runId === runId && batch.taskId === taskId) this.feed.receive(batch);
    });
    bridge.call('term.attach', { runId, taskId }).then(
      (result) => this.feed.attached(result),
      (err: unknown) => {
        if (!this.disposed) this.term.write(`\x1b[2m(no terminal output: ${err instanceof Error ? err.message : String(err)})\x1b[0m\r\n`);
      },
    );
    this.term.onData((data) => this.sendInput(data));
    this.term.onResize(({ cols, rows }) => this.sendSize(cols, rows));
    this.term.textarea?.addEventListener('focus', opts.onFocus);
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
    this.offData();
    this.feed.dispose();
    this.term.textarea?.removeEventListener('focus', this.opts.onFocus);
    if (this.webgl) {
      this.webgl.dispose();
      releaseWebgl();
    }
    this.term.dispose();
  }

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

  private sendInput(data: string): void {
    if (!this.acceptsInput) return;
    this.pendingInput += data;
    this.pumpInput();
  }

  /**
   * One `task.input` call at a time keeps keys in order; whatever was typed meanwhile leaves with
   * the next call, so a key waits for at most one reply, not for one per key typed before it.
   */
  private pumpInput(): void {
    if (this.inputInFlight || this.pendingInput === '' || this.disposed) return;
    const { bridge, runId, taskId } = this.opts;
    const chunk = this.pendingInput.slice(0, MAX_INPUT_CHARS);
    this.pendingInput = this.pendingInput.slice(chunk.length);
    this.inputInFlight = true;
    bridge.call('task.input', { runId, taskId, data: chunk })
      .catch((err: unknown) => this.opts.onError(`Input to task ${taskId} was not delivered: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.inputInFlight = false;
        this.pumpInput();
      });
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
