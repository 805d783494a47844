/**
 * `claudecluster ui` as the browser tests start it: the real CLI on loopback (`--port 0
 * --no-mdns --json`), its local agent running the scripted `claude` stand-in, and a Node client
 * of the same bridge for what a test checks behind the page's back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { createBridgeClient, type BridgeApi } from '../../shared/bridge/index.js';
import { BRIDGE_TOKEN_PARAM, BRIDGE_WS_PATH } from '../../shared/bridge/constants.js';
import { CLI_BIN, FAKE_CLAUDE, type Scope, waitFor } from '../harness.js';

export interface UiProcess {
  proc: ChildProcess;
  /** The page's address, token included. */
  url: string;
  port: number;
  token: string;
  /** The NDJSON events it printed so far. */
  events: Array<Record<string, unknown>>;
  stderr(): string;
}

export interface UiOptions {
  dataDir: string;
  repo: string;
  /** Slots of the local agent (0: none, the paired agents only). */
  local: number;
}

export async function startUi(scope: Scope, opts: UiOptions): Promise<UiProcess> {
  const args = [CLI_BIN, 'ui', '--port', '0', '--no-mdns', '--json', '--local', String(opts.local), '--data-dir', opts.dataDir, '--repo', opts.repo];
  const proc = scope.track(spawn(process.execPath, args, { env: { ...process.env, CLAUDECLUSTER_CLAUDE_BIN: FAKE_CLAUDE } }));
  const events: Array<Record<string, unknown>> = [];
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not an event line.
    }
  });
  await waitFor(() => events.some((e) => e['type'] === 'ui') || proc.exitCode !== null, 'claudecluster ui to print its address');
  const ui = events.find((e) => e['type'] === 'ui');
  if (!ui) throw new Error(`claudecluster ui did not start (exit ${proc.exitCode}): ${stderr}`);
  const url = String(ui['url']);
  return { proc, url, port: Number(ui['port']), token: new URL(url).searchParams.get(BRIDGE_TOKEN_PARAM) ?? '', events, stderr: () => stderr };
}

/** The bridge's WebSocket address for `token`. */
export function bridgeSocketUrl(ui: Pick<UiProcess, 'port'>, token: string): string {
  return `ws://127.0.0.1:${ui.port}${BRIDGE_WS_PATH}?${BRIDGE_TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

export interface NodeBridge {
  api: BridgeApi;
  close(): void;
}

/** A second client of the ui's bridge, from Node, with the page's own origin. */
export async function nodeBridge(ui: UiProcess): Promise<NodeBridge> {
  const ws = new WebSocket(bridgeSocketUrl(ui, ui.token), { origin: `http://127.0.0.1:${ui.port}` });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const client = createBridgeClient((message) => ws.send(JSON.stringify(message)));
  ws.on('message', (data) => client.receive(JSON.parse(String(data))));
  ws.on('close', () => client.close(new Error('the bridge closed')));
  return { api: client.api, close: () => ws.terminate() };
}
