/**
 * Page object for the dashboard `claudecluster ui` serves, in Chromium. It works the page the way
 * a user does (a real drop event, clicks, typing into a focused terminal) and reads it the way
 * the renderer exposes it: test ids and data attributes, and each pane's terminal buffer through
 * the renderer's test hook (`window.__ccPanes`), never by scraping the canvas.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright';
import { ROOT, WAIT_MS } from '../harness.js';
import { PageProblems } from './browser.js';

export type View = 'run' | 'terminals' | 'agents' | 'history' | 'settings';

/** Where screenshots of the main views go (git-ignored). */
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');
/** A laptop-sized window. */
const VIEWPORT = { width: 1440, height: 900 };

export class DashboardPage {
  private constructor(readonly context: BrowserContext, readonly page: Page, readonly problems: PageProblems) {}

  /** Opens `url` in a fresh browser context and waits for the bridge to connect. */
  static async open(browser: Browser, url: string): Promise<DashboardPage> {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    const dashboard = new DashboardPage(context, page, new PageProblems(page));
    const response = await page.goto(url);
    if (response?.status() !== 200) throw new Error(`the dashboard answered ${response?.status()}`);
    await page.locator('[data-testid="connection"][data-state="connected"]').waitFor();
    return dashboard;
  }

  close(): Promise<void> {
    return this.context.close();
  }

  async show(view: View): Promise<void> {
    await this.page.getByTestId(`nav-${view}`).click();
    await this.page.locator(`main[data-view="${view}"]`).waitFor();
  }

  /**
   * Drops a goal file on the window as a file manager does: a DataTransfer holding a File, sent
   * through dragenter, dragover and drop.
   */
  async dropGoal(name: string, text: string): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(([n, t]) => {
      const data = new DataTransfer();
      data.items.add(new File([t], n, { type: 'text/markdown' }));
      return data;
    }, [name, text] as const);
    const target = this.page.locator('body');
    for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(type, { dataTransfer });
    await dataTransfer.dispose();
  }

  /** The goal under review: its phase (`review` once it checked out) and its task ids. */
  goalReview(): Locator {
    return this.page.getByTestId('goal-review');
  }

  async startRun(): Promise<void> {
    const start = this.page.getByTestId('start-run');
    await this.goalReview().and(this.page.locator('[data-phase="review"]')).waitFor();
    await start.click();
    await this.page.getByTestId('live-run').waitFor();
  }

  runStatus(): Locator {
    return this.page.getByTestId('run-status');
  }

  /** The live run's id, from its header. */
  async runId(): Promise<string> {
    return (await this.page.getByTestId('run-header').getAttribute('data-run-id')) ?? '';
  }

  node(taskId: string): Locator {
    return this.page.locator(`[data-testid="task-node"][data-task-id="${taskId}"]`);
  }

  pane(taskId: string): Locator {
    return this.page.locator(`[data-testid="terminal-pane"][data-task-id="${taskId}"]`);
  }

  /** Waits until the task's graph node shows `status`. */
  async waitForStatus(taskId: string, status: string, ms = WAIT_MS): Promise<void> {
    await this.page.locator(`[data-testid="task-node"][data-task-id="${taskId}"][data-status="${status}"]`).waitFor({ timeout: ms });
  }

  /** What the task's terminal holds (scrollback included), or null while it has no pane. */
  paneText(taskId: string): Promise<string | null> {
    return this.page.evaluate((id) => window.__ccPanes?.get(id)?.buffer() ?? null, taskId);
  }

  /** Waits until the task's terminal holds `text`. */
  async waitForPaneText(taskId: string, text: string, ms = WAIT_MS): Promise<void> {
    try {
      await this.page.waitForFunction(([id, t]) => window.__ccPanes?.get(id)?.buffer().includes(t) === true, [taskId, text] as const, { timeout: ms, polling: 50 });
    } catch (err) {
      throw new Error(`pane ${taskId} never showed ${JSON.stringify(text)}; it holds: ${JSON.stringify(await this.paneText(taskId))}`, { cause: err });
    }
  }

  /** Clicks into the task's terminal and types, as a user at the keyboard does. */
  async typeIntoPane(taskId: string, text: string): Promise<void> {
    await this.pane(taskId).locator('.xterm-screen').click();
    await this.page.waitForFunction((id) => document.activeElement?.closest('[data-testid="terminal-pane"]')?.getAttribute('data-task-id') === id, taskId);
    await this.page.keyboard.type(text);
  }

  /** Makes the page hidden or shown, as a background tab or a minimized window is (headless Chromium is never hidden itself). */
  async setHidden(hidden: boolean): Promise<void> {
    await this.page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  }

  /** The task's whole log, from its pane's log dialog (which is closed again). */
  async fullLog(taskId: string): Promise<string> {
    await this.pane(taskId).getByTestId('pane-log').click();
    const text = this.page.getByTestId('log-text');
    await text.waitFor();
    const log = (await text.textContent()) ?? '';
    await this.page.getByTestId('log-dialog').getByRole('button', { name: 'Close' }).click();
    await this.page.getByTestId('log-dialog').waitFor({ state: 'detached' });
    return log;
  }

  /** Opens a task's detail from its graph node and shows its changes. */
  async openTaskDetail(taskId: string): Promise<Locator> {
    await this.node(taskId).click();
    const detail = this.page.locator(`[data-testid="task-detail"][data-task-id="${taskId}"]`);
    await detail.waitFor();
    await detail.getByTestId('detail-tab-changes').click();
    return detail;
  }

  /** Pairs with an agent through the Agents view's form. */
  async pairAgent(addr: string, code: string): Promise<void> {
    await this.show('agents');
    await this.page.getByTestId('pair-addr').fill(addr);
    await this.page.getByTestId('pair-code').fill(code);
    await this.page.getByTestId('pair-submit').click();
  }

  agentRow(peerId: string): Locator {
    return this.page.locator(`[data-testid="agent-row"][data-peer-id="${peerId}"]`);
  }

  /** Picks a theme in the Settings view (it applies at once). */
  async setTheme(theme: 'system' | 'light' | 'dark'): Promise<void> {
    await this.show('settings');
    await this.page.getByTestId('theme-setting').locator(`input[value="${theme}"]`).check();
    if (theme !== 'system') await this.page.locator(`html[data-theme="${theme}"]`).waitFor();
  }

  /** Saves a screenshot of the window as test-results/screenshots/NAME.png; returns its path. */
  async screenshot(name: string): Promise<string> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
