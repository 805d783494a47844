/** `claudecluster ui`: the dashboard in a browser, served on 127.0.0.1 with a per-start token. */
import { spawn } from 'node:child_process';
import { BridgeContract } from '../../shared/bridge/contract.js';
import type { RpcMessage } from '../../shared/protocol/jsonrpc.js';
import { MAX_LOCAL_SLOTS } from '../../shared/bridge/settings.js';
import { EXIT, UsageError, parseFlags } from '../../shared/node/cli-args.js';
import { RepoInputError, UserRepo } from '../driver/user-repo.js';
import { startAppService } from '../app/service.js';
import { JsonSettingsStore, withOverrides, type SettingsStore } from '../app/settings-store.js';
import { defaultRendererDir, startUiServer } from '../ui/server.js';
import { driverDataDir } from './common.js';

export const FLAGS = {
  port: { type: 'string' },
  repo: { type: 'string' },
  'data-dir': { type: 'string' },
  local: { type: 'string' },
  'no-mdns': { type: 'boolean' },
  'no-open': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const MAX_PORT = 65_535;

export async function uiCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = wholeNumber('--port', values.port, MAX_PORT) ?? 0;
  const local = wholeNumber('--local', values.local, MAX_LOCAL_SLOTS);
  const json = !!values.json;
  const repo = await repoDir(values.repo);
  const dataDir = driverDataDir(values['data-dir']);
  const say = (type: string, text: string, body: object = {}): void => {
    process.stdout.write(json ? `${JSON.stringify({ type, ...body })}\n` : `${text}\n`);
  };

  const saved = new JsonSettingsStore(dataDir, (m) => say('warning', `claudecluster ui: warning: ${m}`, { message: m }));
  // --local N is for this start only: the saved setting is unchanged.
  const settings: SettingsStore = local === undefined ? saved : withOverrides(saved, { localSlots: local });
  const service = await startAppService({ dataDir, repo, settings, shell: 'browser', mdns: !values['no-mdns'], localAgent: true });
  // The terminal gets what a window would notify: notices and finished runs.
  const watcher = service.openClient((message) => report(message, say));
  let server;
  try {
    server = await startUiServer({ service, port, rendererDir: defaultRendererDir() });
  } catch (err) {
    watcher.close();
    await service.stop();
    throw new Error(`could not listen on 127.0.0.1:${port}: ${(err as Error).message}`);
  }
  say('ui', `claudecluster ui: open ${server.url}`, { url: server.url, port: server.port });
  if (!values['no-open'] && !json && process.stdout.isTTY) openBrowser(server.url);

  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  say('stopping', 'claudecluster ui: stopping (open runs are cancelled)');
  await server.close();
  watcher.close();
  await service.stop();
  return EXIT.ok;
}

/** `--repo DIR`, else the working directory when it is in a git repository, else none (the settings' repo). */
async function repoDir(flag: string | undefined): Promise<string | null> {
  try {
    return (await UserRepo.open(flag ?? process.cwd())).root;
  } catch (err) {
    if (!(err instanceof RepoInputError)) throw err;
    if (flag !== undefined) throw new UsageError(err.message);
    return null;
  }
}

function wholeNumber(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > max) throw new UsageError(`${flag} must be a whole number from 0 to ${max}, not "${value}"`);
  return n;
}

function report(message: RpcMessage, say: (type: string, text: string, body?: object) => void): void {
  if (!('method' in message) || 'id' in message) return;
  if (message.method === 'notice') {
    const n = BridgeContract.notifications.notice.safeParse(message.params);
    if (n.success) say('notice', `claudecluster ui: ${n.data.level}: ${n.data.message}`, n.data);
  } else if (message.method === 'run.finished') {
    const r = BridgeContract.notifications['run.finished'].safeParse(message.params);
    if (r.success) say('run-finished', `claudecluster ui: run ${r.data.run.runId} ${r.data.run.status}; branch ${r.data.run.branch}`, { runId: r.data.run.runId, status: r.data.run.status, branch: r.data.run.branch });
  }
}

/** Opens the page in the default browser; failing to is fine, the URL was printed. */
function openBrowser(url: string): void {
  const [cmd, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  try {
    const child = spawn(cmd!, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // No opener installed: the printed URL is enough.
    child.unref();
  } catch {
    // As above.
  }
}
