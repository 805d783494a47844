/**
 * The desktop shell's main process under plain Node, with only `electron` replaced by a stand-in
 * (fake-electron/): the real electron-main wiring, app service, local agent (running the `claude`
 * stand-in) and preload bundle, talking over the stand-in's IPC. It covers what needs no
 * Chromium: the security settings and handlers, the IPC sender checks, the bridge end to end
 * through the preload, a run on the local agent, notifications, a page reload, and a quit that
 * stops the local agent. app.test.ts covers the same app in a real Electron where one exists.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BRIDGE_GLOBAL, BRIDGE_IPC_CHANNEL } from '../../shared/bridge/constants.js';
import type { BridgeApi } from '../../shared/bridge/contract.js';
import type { RunView } from '../../shared/bridge/views.js';
import { FAKE_CLAUDE, ROOT, Scope, WAIT_MS, git, makeRepo, waitFor } from '../harness.js';

const MAIN = join(ROOT, 'dist', 'main', 'shell', 'electron-main.js');
const APP_PAGE = 'app://claudecluster/index.html';
const RUN_MS = 120_000;
const GOAL = [
  '# Shell smoke', '', 'A goal for the desktop shell test.', '', '## Tasks',
  '- a: Add a.txt', '  !write a.txt made by A',
  '- b: Build on A', '  after: a', '  !require a.txt', '  !run cp a.txt b-saw-a.txt',
  '',
].join('\n');

const scope = new Scope();
after(() => scope.cleanup());

/** Processes whose command line mentions `text` (the local agent carries its data dir in its arguments). */
function processesMentioning(text: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(text) && !l.includes(' ps -eo'));
}

test('the shell wires a sandboxed window, the bridge and the local agent, and stops them on quit', { timeout: 240_000 }, async () => {
  // The preload bundle is built outside tsc; build it now so this test never runs a stale one.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-preload.mjs')], { cwd: ROOT, stdio: 'pipe' });
  const tmp = await scope.tmp('cc-shell-');
  const dataDir = join(tmp, 'data');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n' });
  process.argv.push('--data-dir', dataDir, '--repo', repo, '--no-mdns');
  process.env['CLAUDECLUSTER_AGENT_ARGS'] = JSON.stringify(['--claude-bin', FAKE_CLAUDE]);
  register(new URL('./fake-electron/hooks.js', import.meta.url));
  const fake = await import('./fake-electron/electron.js');
  await import(pathToFileURL(MAIN).href);

  // Before ready: the sandbox for every renderer and the app scheme.
  assert.deepEqual(fake.record.calls, ['enableSandbox', 'registerSchemesAsPrivileged']);
  assert.deepEqual(fake.protocol.privileged, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } }]);
  fake.makeReady();

  let win: InstanceType<typeof fake.BrowserWindow> | undefined;
  await waitFor(() => (win = fake.BrowserWindow.getAllWindows()[0]) !== undefined && BRIDGE_GLOBAL in win.webContents.page, 'the window and its preload', WAIT_MS);
  const contents = win!.webContents;
  const prefs = win!.options.webPreferences ?? {};
  for (const [key, value] of Object.entries({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false })) {
    assert.equal(prefs[key], value, `webPreferences.${key}`);
  }
  assert.match(String(prefs['preload']), /preload\.cjs$/);
  assert.equal(contents.url, APP_PAGE);
  assert.ok(win!.shown);
  assert.deepEqual(fake.ipcMain.eventNames(), [BRIDGE_IPC_CHANNEL], 'only the bridge channel is served');

  // Navigation, new windows, <webview> and permissions are refused; only https goes out, to the browser.
  const navigate = (url: string, event = 'will-navigate', fields: Record<string, unknown> = {}) => {
    const e = new fake.FakeEvent({ url, ...fields });
    contents.emit(event, e);
    return e.defaultPrevented;
  };
  assert.equal(navigate('https://example.com/docs'), true);
  assert.equal(navigate('file:///etc/passwd'), true);
  assert.equal(navigate('http://example.com/'), true);
  assert.equal(navigate('https://evil.example/', 'will-redirect'), true);
  assert.equal(navigate('https://evil.example/', 'will-frame-navigate', { isMainFrame: false }), true);
  assert.deepEqual(contents.windowOpenHandler?.({ url: 'javascript:alert(1)' }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://example.com/new' }), { action: 'deny' });
  const webview = new fake.FakeEvent();
  contents.emit('will-attach-webview', webview, {}, {});
  assert.equal(webview.defaultPrevented, true);
  await waitFor(() => fake.record.opened.length === 2, 'the https links to reach the system browser');
  assert.deepEqual(fake.record.opened, ['https://example.com/docs', 'https://example.com/new']);
  const handlers = fake.session.defaultSession.handlers as Record<string, (...args: unknown[]) => unknown>;
  let granted: unknown;
  handlers['permissionRequest']!(contents, 'media', (ok: boolean) => { granted = ok; });
  assert.equal(granted, false);
  assert.equal(handlers['permissionCheck']!(contents, 'clipboard-read', 'app://claudecluster', {}), false);
  let headers: Record<string, string[]> = {};
  handlers['headersReceived']!({ responseHeaders: { 'X-Other': ['1'] } }, (r: { responseHeaders: Record<string, string[]> }) => { headers = r.responseHeaders; });
  assert.match(headers['Content-Security-Policy']?.[0] ?? '', /default-src 'none'/);
  assert.deepEqual(headers['X-Other'], ['1']);

  // The app scheme serves nothing outside the renderer and nothing but GET/HEAD.
  const serve = fake.protocol.handlers.get('app')!;
  assert.equal((await serve(new Request('app://claudecluster/no-such-file.js'))).status, 404);
  assert.equal((await serve(new Request('app://claudecluster/%2e%2e%2f%2e%2e%2fpackage.json'))).status, 404);
  assert.equal((await serve(new Request('app://elsewhere/index.html'))).status, 404);
  assert.equal((await serve(new Request(APP_PAGE, { method: 'POST', body: 'x' }))).status, 405);

  // The bridge, end to end through the preload bundle.
  const page = (): BridgeApi => contents.page[BRIDGE_GLOBAL] as BridgeApi;
  const info = await page().call('app.info', {});
  assert.equal(info.shell, 'electron');
  assert.equal(info.repo, repo);
  assert.deepEqual(Object.keys(page()).sort(), ['call', 'on']);

  // Messages from a subframe, a foreign page or another webContents get no answer.
  const seen: unknown[] = [];
  contents.rendererListeners.push({ channel: BRIDGE_IPC_CHANNEL, fn: (_e, m) => seen.push(m) });
  const probe = (id: number) => ({ jsonrpc: '2.0', id, method: 'app.info', params: {} });
  contents.sendFromPage(BRIDGE_IPC_CHANNEL, probe(9001), { url: APP_PAGE, parent: {} });
  contents.sendFromPage(BRIDGE_IPC_CHANNEL, probe(9002), { url: 'https://evil.example/', parent: null });
  fake.ipcMain.emit(BRIDGE_IPC_CHANNEL, { sender: { id: 999 }, senderFrame: { url: APP_PAGE, parent: null } }, probe(9003));
  fake.ipcMain.emit(BRIDGE_IPC_CHANNEL, { sender: contents, senderFrame: null }, probe(9004));
  await page().call('app.info', {}); // answered after anything sent before it
  assert.deepEqual(seen.map((m) => (m as { id?: unknown }).id).filter((id) => typeof id === 'number' && id > 9000), []);

  // A run on the app's own local agent, with notifications.
  await waitFor(async () => (await page().call('agents.list', {})).agents.some((a) => a.local && a.health === 'ready'), 'the local agent to be ready', WAIT_MS);
  let finished: RunView | undefined;
  page().on('run.finished', (p) => { finished = p.run; });
  const started = await page().call('run.start', { name: 'goal.md', text: GOAL });
  assert.equal(started.ok, true, JSON.stringify(started));
  await waitFor(() => finished !== undefined, 'the run to finish', RUN_MS);
  assert.equal(finished!.status, 'ok', JSON.stringify(finished!.tasks));
  assert.equal(git(repo, 'show', `${finished!.branch}:b-saw-a.txt`), 'made by A');
  await waitFor(() => fake.record.notifications.some((n) => n.title === 'Run finished'), 'the run-finished notification');

  // A reload gets a fresh client: request ids start again at 1 and still get their answers.
  contents.rendererListeners.length = 0;
  contents.load(APP_PAGE, String(prefs['preload']));
  assert.equal((await page().call('app.info', {})).peerId, info.peerId);

  // Quit waits for the service, and the local agent goes with it.
  assert.ok(processesMentioning(dataDir).length > 0, 'the local agent runs with the app');
  fake.app.quit();
  assert.equal(await fake.quitted, 0);
  assert.deepEqual(processesMentioning(dataDir), []);
  assert.deepEqual(fake.record.errors, []);
});
