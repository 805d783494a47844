/**
 * `claudecluster ui` for end-to-end tests: the real CLI with its local agent (the scripted
 * `claude` stand-in) on loopback, and WebSocket clients of its bridge as a page would open them.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createBridgeClient, type BridgeApi } from '../../shared/bridge/index.js';
import { BRIDGE_WS_PATH } from '../../shared/bridge/constants.js';
import { CLI_BIN, FAKE_CLAUDE, makeRepo, waitFor, type Scope } from '../harness.js';

export interface UiCli {
  cli: ChildProcess;
  port: number;
  token: string;
  pageUrl: string;
  /** The repository runs start in, and the test's temporary directory. */
  repo: string;
  tmp: string;
  /** The CLI's NDJSON output so far. */
  events: Array<Record<string, unknown>>;
  /** Every socket opened through `openSocket`, for the test to close. */
  sockets: WebSocket[];
}

/** Starts `claudecluster ui` on a free port with two local slots, over a new repository. */
export async function startUi(scope: Scope): Promise<UiCli> {
  const tmp = await scope.tmp('cc-ui-');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n' });
  const cli = scope.track(spawn(process.execPath, [CLI_BIN, 'ui', '--port', '0', '--no-mdns', '--json', '--local', '2', '--data-dir', join(tmp, 'driver'), '--repo', repo], {
    env: { ...process.env, CLAUDECLUSTER_CLAUDE_BIN: FAKE_CLAUDE },
  }));
  const events: Array<Record<string, unknown>> = [];
  let stderr = '';
  cli.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  createInterface({ input: cli.stdout! }).on('line', (line) => {
    try { events.push(JSON.parse(line) as Record<string, unknown>); } catch { /* not an event */ }
  });
  await waitFor(() => events.some((e) => e['type'] === 'ui') || cli.exitCode !== null, 'the ui line');
  const ui = events.find((e) => e['type'] === 'ui');
  assert.ok(ui, `claudecluster ui did not start: ${stderr}`);
  const pageUrl = String(ui['url']);
  return { cli, port: Number(ui['port']), token: new URL(pageUrl).searchParams.get('token')!, pageUrl, repo, tmp, events, sockets: [] };
}

export function socketUrl(ui: UiCli, token = ui.token): string {
  return `ws://127.0.0.1:${ui.port}${BRIDGE_WS_PATH}?token=${encodeURIComponent(token)}`;
}

/** Opens a socket; resolves with it once open, or with the HTTP status it was refused with. */
export function openSocket(ui: UiCli, url: string, origin: string | undefined): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ui.sockets.push(ws);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.once('error', (err) => reject(err));
  });
}

/** A bridge client over a socket with the right token and Origin. */
export async function connect(ui: UiCli): Promise<{ api: BridgeApi; ws: WebSocket }> {
  const ws = await openSocket(ui, socketUrl(ui), `http://127.0.0.1:${ui.port}`);
  assert.ok(ws instanceof WebSocket);
  const client = createBridgeClient((message) => ws.send(JSON.stringify(message)));
  ws.on('message', (data) => client.receive(JSON.parse(String(data))));
  return { api: client.api, ws };
}
