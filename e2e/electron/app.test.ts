/**
 * The desktop app end to end in a real Electron: the window shows the renderer on app:// with
 * Node out of reach and navigation refused; a dropped goal runs on the app's own local agent
 * (with the `claude` stand-in, passed through CLAUDECLUSTER_AGENT_ARGS, which only development
 * builds read) and its result lands on the run branch. Where no Electron binary is installed
 * (see electron-binary.ts) the test is skipped, and says why; anywhere else it runs for real.
 * On a display-less Linux, run it under xvfb-run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron } from 'playwright';
import type { RunView } from '../../shared/bridge/views.js';
import { FAKE_CLAUDE, ROOT, Scope, WAIT_MS, git, makeRepo, waitFor } from '../harness.js';
import { AppWindow } from './app-window.js';
import { findElectronBinary } from './electron-binary.js';

const MAIN = join(ROOT, 'dist', 'main', 'shell', 'electron-main.js');
const BUILT = [MAIN, join(ROOT, 'dist', 'main', 'shell', 'preload.cjs'), join(ROOT, 'dist', 'renderer', 'index.html')];
/** A two-task run with the stand-in: a handful of seconds; slow machines get much more. */
const RUN_MS = 120_000;
const TEST_MS = 240_000;

const GOAL = [
  '# Desktop smoke', '', 'A goal for the desktop app end-to-end test.', '', '## Tasks',
  '- a: Add a.txt', '  !write a.txt made by A',
  '- b: Build on A', '  after: a', '  !require a.txt', '  !run cp a.txt b-saw-a.txt',
  '',
].join('\n');

const binary = findElectronBinary(ROOT);
const scope = new Scope();
after(() => scope.cleanup());

test('the desktop app runs a dropped goal on its local agent', { skip: binary.missing && `no Electron binary: ${binary.missing}`, timeout: TEST_MS }, async () => {
  for (const file of BUILT) assert.ok(existsSync(file), `${file} is missing: run npm run build, the renderer build and npm run check:electron first`);
  const tmp = await scope.tmp('cc-electron-');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n' });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
  env['CLAUDECLUSTER_AGENT_ARGS'] = JSON.stringify(['--claude-bin', FAKE_CLAUDE]);
  const app = await _electron.launch({
    executablePath: binary.path!,
    args: [MAIN, '--data-dir', join(tmp, 'data'), '--repo', repo, '--no-mdns'],
    cwd: ROOT,
    env,
  });
  try {
    const win = await AppWindow.open(app);
    assert.match(win.page.url(), /^app:\/\/claudecluster\//);
    assert.deepEqual(await win.globals(), { require: 'undefined', process: 'undefined', bridgeKeys: ['call', 'on'] });
    const csp = (await win.csp()) ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.equal(await win.navigationRefused('file:///etc/passwd'), true);
    assert.equal(await win.tryToOpenWindow('file:///etc/passwd'), false);

    const info = await win.call('app.info', {});
    assert.equal(info.shell, 'electron');
    assert.equal(info.repo, repo);
    await waitFor(async () => (await win.call('agents.list', {})).agents.some((a) => a.local && a.health === 'ready'), 'the local agent to be ready', WAIT_MS);

    await win.recordEvents(['run.started', 'run.finished']);
    await win.dropGoal('goal.md', GOAL);
    await win.startRun();
    let finished: RunView | undefined;
    await waitFor(async () => {
      const done = (await win.recorded()).find((e) => e.event === 'run.finished');
      finished = (done?.payload as { run: RunView } | undefined)?.run;
      return finished !== undefined;
    }, 'the run to finish', RUN_MS);
    assert.equal(finished!.status, 'ok', JSON.stringify(finished!.tasks));
    assert.deepEqual(finished!.tasks.map((t) => [t.id, t.status]), [['a', 'merged'], ['b', 'merged']]);
    assert.equal(git(repo, 'show', `${finished!.branch}:a.txt`), 'made by A');
    assert.equal(git(repo, 'show', `${finished!.branch}:b-saw-a.txt`), 'made by A');
  } finally {
    await app.close();
  }
});
