/**
 * Chromium for the dashboard's end-to-end tests and the renderer bench: the system's Chromium
 * (`/usr/bin/chromium`, or `$CLAUDECLUSTER_CHROMIUM`) driven by Playwright, headless, and quiet on
 * a closed network: without the background-networking flags Chromium keeps trying to reach
 * Google's services and floods the network with refused connections. Playwright's own browser
 * downloads are never used.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright';

/** The Chromium binary the tests drive. */
export const CHROMIUM_PATH = process.env['CLAUDECLUSTER_CHROMIUM'] ?? '/usr/bin/chromium';

/** Headless, no GPU (software rendering), nothing fetched in the background. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CLAUDECLUSTER_CHROMIUM)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
}

/**
 * Everything a page reported as going wrong: console errors and uncaught exceptions. A test
 * fails on any of them unless it names the ones it expects (a refused request is logged too).
 */
export class PageProblems {
  readonly errors: string[] = [];

  constructor(page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(`console.error: ${msg.text()} (${msg.location().url || 'page'})`);
    });
    page.on('pageerror', (err) => this.errors.push(`uncaught: ${err.stack ?? err.message}`));
    page.on('crash', () => this.errors.push('the page crashed'));
  }

  /** The errors not matched by any of `expected`. */
  unexpected(expected: readonly RegExp[] = []): string[] {
    return this.errors.filter((e) => !expected.some((re) => re.test(e)));
  }
}

/** The renderer's test hook (renderer/terminal/pane-registry.ts): each live pane by task id. */
export interface PaneHook {
  runId: string;
  buffer(): string;
  focus(): void;
}

declare global {
  interface Window {
    __ccPanes?: Map<string, PaneHook>;
  }
}
