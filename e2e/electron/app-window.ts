/**
 * Page object for the desktop app's window, driven by Playwright's `_electron`. It reaches the
 * page the way the renderer does (the preload's `window[BRIDGE_GLOBAL]`) and the UI the way a
 * user does (dropping a goal file, clicking).
 */
import type { ElectronApplication, Page } from 'playwright';
import { BRIDGE_GLOBAL } from '../../shared/bridge/constants.js';
import type { BridgeEvent, BridgeMethod, BridgeParams, BridgeResult } from '../../shared/bridge/contract.js';
import { waitFor } from '../harness.js';

type Bridge = { call(m: string, p: unknown): Promise<unknown>; on(e: string, h: (p: unknown) => void): () => void };
type Recorded = Array<{ event: string; payload: unknown }>;
/** Where `recordEvents` keeps what it saw, in the page. */
const RECORD_KEY = '__claudeclusterTestEvents';
/** Where `navigationRefused` keeps its verdict, in the main process. */
const NAVIGATION_KEY = '__claudeclusterTestNavigation';

export class AppWindow {
  private constructor(readonly app: ElectronApplication, readonly page: Page) {}

  static async open(app: ElectronApplication): Promise<AppWindow> {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    return new AppWindow(app, page);
  }

  /** What the page's own scripts can reach: Node must be out of sight, the bridge exactly `call` and `on`. */
  globals(): Promise<{ require: string; process: string; bridgeKeys: string[] }> {
    return this.page.evaluate((key) => {
      const w = window as unknown as Record<string, unknown>;
      const bridge = w[key];
      return { require: typeof w['require'], process: typeof w['process'], bridgeKeys: bridge && typeof bridge === 'object' ? Object.keys(bridge).sort() : [] };
    }, BRIDGE_GLOBAL);
  }

  /** The Content-Security-Policy header of the page as the app scheme serves it. */
  csp(): Promise<string | null> {
    return this.page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
  }

  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
    return this.page.evaluate(([key, m, p]) => ((window as unknown as Record<string, Bridge>)[key]!).call(m, p), [BRIDGE_GLOBAL, method, params] as const) as Promise<BridgeResult<M>>;
  }

  /** Starts keeping every payload of `events` the page receives (read with `recorded`). */
  recordEvents(events: BridgeEvent[]): Promise<void> {
    return this.page.evaluate(([key, store, names]) => {
      const w = window as unknown as Record<string, unknown>;
      const seen: Recorded = [];
      w[store] = seen;
      for (const event of names) (w[key] as Bridge).on(event, (payload) => seen.push({ event, payload }));
    }, [BRIDGE_GLOBAL, RECORD_KEY, events] as const);
  }

  recorded(): Promise<Recorded> {
    return this.page.evaluate((store) => ((window as unknown as Record<string, Recorded>)[store] ?? []), RECORD_KEY);
  }

  /** Drops a goal file on the window, as dragging it from a file manager does. */
  dropGoal(name: string, text: string): Promise<void> {
    return this.page.evaluate(([n, t]) => {
      const data = new DataTransfer();
      data.items.add(new File([t], n, { type: 'text/markdown' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        window.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    }, [name, text] as const);
  }

  /** Starts the run of the goal under review (the review's `start-run` button). */
  async startRun(): Promise<void> {
    await this.page.getByTestId('start-run').click();
  }

  /**
   * Has the page try to go to `url` and returns whether the app refused: the main process
   * records the `will-navigate` it saw (after the app's own handler ran), and the test waits for it.
   */
  async navigationRefused(url: string): Promise<boolean> {
    await this.app.evaluate(({ BrowserWindow }, key) => {
      const g = globalThis as unknown as Record<string, unknown>;
      delete g[key];
      BrowserWindow.getAllWindows()[0]!.webContents.once('will-navigate', (event) => { g[key] = event.defaultPrevented; });
    }, NAVIGATION_KEY);
    await this.page.evaluate((u) => { location.href = u; }, url);
    let refused: unknown;
    await waitFor(async () => {
      refused = await this.app.evaluate((_electron, key) => (globalThis as unknown as Record<string, unknown>)[key], NAVIGATION_KEY);
      return refused !== undefined;
    }, `will-navigate to ${url}`);
    return refused === true;
  }

  /** `window.open` of `url`: null when the app refused to open a window. */
  tryToOpenWindow(url: string): Promise<boolean> {
    return this.page.evaluate((u) => window.open(u) !== null, url);
  }
}
