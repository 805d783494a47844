/**
 * Who may use `claudecluster ui`, as a browser sees it: the page without its token (or with a
 * wrong one) is refused; a page of another origin — another site open in the same browser — cannot
 * open the bridge's WebSocket even with the right token, while the dashboard's own page can.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { Scope, makeRepo } from '../harness.js';
import { PageProblems, chromiumMissing, launchChromium } from './browser.js';
import { DashboardPage } from './dashboard-page.js';
import { bridgeSocketUrl, startUi, type UiProcess } from './ui-process.js';

const missing = chromiumMissing();
const scope = new Scope();
let browser: Browser | undefined;
let ui: UiProcess;
/** Another site on this machine: a plain page on another port of 127.0.0.1. */
let elsewhere: Server | undefined;
let elsewhereUrl = '';

before(async () => {
  if (missing) return;
  const tmp = await scope.tmp('cc-ui-access-');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n' });
  ui = await startUi(scope, { dataDir: join(tmp, 'driver'), repo, local: 0 });
  elsewhere = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>another site</title><p>another site</p>');
  });
  await new Promise<void>((resolve) => elsewhere!.listen(0, '127.0.0.1', resolve));
  const address = elsewhere.address();
  elsewhereUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (elsewhere ? elsewhere.close(() => resolve()) : resolve()));
  await scope.cleanup();
});

/** Opens a WebSocket from the page; resolves with "open", or with how it failed. */
function trySocket(page: Page, url: string): Promise<string> {
  return page.evaluate((u) => new Promise<string>((resolve) => {
    const ws = new WebSocket(u);
    ws.onopen = () => { ws.close(); resolve('open'); };
    ws.onclose = (ev) => resolve(`closed ${ev.code}`);
  }), url);
}

test('the page is refused without its token or with a wrong one', { skip: missing }, async () => {
  const context = await browser!.newContext();
  try {
    const page = await context.newPage();
    const problems = new PageProblems(page);
    const base = `http://127.0.0.1:${ui.port}/`;
    for (const url of [base, `${base}?token=not-the-token`, `${base}index.html`]) {
      const response = await page.goto(url);
      assert.equal(response?.status(), 403, url);
      assert.match(await page.locator('body').innerText(), /Forbidden: open the address claudecluster ui printed/);
      assert.equal(await page.getByTestId('connection').count(), 0, 'no dashboard is shown');
    }
    // Chromium logs each refused page load, and asks the refused (plain text) page's origin for
    // /favicon.ico, which does not exist; nothing else went wrong.
    assert.ok(problems.errors.some((e) => /status of 403 \(Forbidden\)/.test(e)), problems.errors.join('\n'));
    assert.deepEqual(problems.unexpected([/status of 403 \(Forbidden\)/, /status of 404 .*\/favicon\.ico\)$/]), []);
  } finally {
    await context.close();
  }
});

test('a page of another origin cannot open the bridge, even with the token; the dashboard\'s own page can', { skip: missing }, async () => {
  const socket = bridgeSocketUrl(ui, ui.token);
  const dash = await DashboardPage.open(browser!, ui.url);
  const context = await browser!.newContext();
  try {
    assert.equal(await trySocket(dash.page, socket), 'open');
    const page = await context.newPage();
    const problems = new PageProblems(page);
    await page.goto(elsewhereUrl);
    assert.equal(await trySocket(page, socket), 'closed 1006');
    // The handshake was refused by the server (403), not lost on the way.
    assert.ok(problems.errors.some((e) => /WebSocket connection to .* failed.*403/.test(e)), problems.errors.join('\n'));
    assert.deepEqual(problems.unexpected([/WebSocket connection to .* failed.*403/]), []);
    assert.deepEqual(dash.problems.unexpected(), []);
  } finally {
    await context.close();
    await dash.close();
  }
});
