/**
 * The app service: the driver behind `BridgeApi`, shared by the Electron shell and
 * `claudecluster ui`. It opens the driver's libp2p node and data dir, keeps the agents (the local
 * one, paired ones, those on the LAN) and the runs, and answers any number of clients, each
 * carried by its shell (one per window over IPC, one per WebSocket) through `openClient`.
 */
import { resolve } from 'node:path';
import { createBridgeServer, type BridgeServer } from '../../shared/bridge/adapter.js';
import type { BridgeEvent, BridgeEventPayload } from '../../shared/bridge/contract.js';
import type { SettingsPatch } from '../../shared/bridge/settings.js';
import type { RpcMessage } from '../../shared/protocol/jsonrpc.js';
import { VERSION } from '../../shared/version.js';
import { openDriver } from '../driver/driver-node.js';
import { AgentPool } from '../driver/pool.js';
import type { SettingsStore } from './settings-store.js';
import { AgentDirectory } from './agents.js';
import { RunBook } from './run-book.js';
import { LocalAgentKeeper } from './local-agent-keeper.js';
import { ClientTerms } from './client-terms.js';
import { appHandlers, type AppCore } from './handlers.js';
import { MAX_NOTICE_CHARS, type Emit } from './app-run-output.js';

/** Bursts of changes (many task states at once) become one `agents.changed`. */
const AGENTS_CHANGED_DELAY_MS = 50;
/** On stop, how long open runs get to cancel their tasks and save their records. */
const STOP_RUNS_TIMEOUT_MS = 20_000;

export interface AppServiceOptions {
  /** The driver's data dir (identity, paired agents, runs). */
  dataDir: string;
  /** The repository runs start in; null: the settings' `repo`, else none. */
  repo: string | null;
  settings: SettingsStore;
  shell: 'electron' | 'browser';
  /** Look for agents on the LAN (mDNS). */
  mdns: boolean;
  /** Run the local agent (with the settings' `localSlots`). */
  localAgent: boolean;
  /** Extra arguments for the local agent, e.g. `--claude-bin PATH`. */
  localAgentArgs?: string[];
}

/** One client of the service: the shell feeds it what the client sent, and closes it when the client goes. */
export interface AppClient {
  receive(raw: unknown): Promise<void>;
  close(): void;
}

export interface AppService {
  /** Connects a client; `send` carries the service's answers and events to it. */
  openClient(send: (message: RpcMessage) => void): AppClient;
  /** Cancels open runs, stops the local agent and closes the driver. */
  stop(): Promise<void>;
  /** This driver's PeerId. */
  peerId: string;
}

export async function startAppService(opts: AppServiceOptions): Promise<AppService> {
  const driver = await openDriver({ dataDir: opts.dataDir, mdns: opts.mdns });
  const peerId = driver.host.peerId.toString();
  const trusted = new Set((await driver.store.pinned()).map((a) => a.peerId));
  const pool = new AgentPool(driver.host, trusted);
  const clients = new Set<BridgeServer>();
  const emit: Emit = <E extends BridgeEvent>(event: E, payload: BridgeEventPayload<E>): void => {
    for (const c of clients) c.emit(event, payload);
  };
  const notice = (level: 'info' | 'warning' | 'error', message: string): void => emit('notice', { level, message: message.slice(0, MAX_NOTICE_CHARS) });
  const repoDir = (): string | null => opts.repo ?? opts.settings.get().repo;

  let agentsTimer: NodeJS.Timeout | undefined;
  let lastAgents = '';
  const agentsChanged = (): void => {
    agentsTimer ??= setTimeout(() => {
      agentsTimer = undefined;
      const agents = directory.list();
      const text = JSON.stringify(agents);
      if (text === lastAgents) return;
      lastAgents = text;
      emit('agents.changed', { agents });
    }, AGENTS_CHANGED_DELAY_MS);
  };

  const runs: RunBook = new RunBook({
    store: driver.store, pool, emit, repoDir,
    sessionDefaults: () => opts.settings.get().session,
    onTaskChanged: agentsChanged,
    onRunEnded: () => { local.runEnded(); agentsChanged(); },
  });
  const directory: AgentDirectory = new AgentDirectory({
    host: driver.host, store: driver.store, pool, trusted, mdns: opts.mdns,
    slotsInUse: (id) => { const name = pool.agents.find((a) => a.peerId.toString() === id)?.name; return name ? runs.onAgent(name) : 0; },
    backedOffUntil: (id) => runs.backedOffUntil(id),
    changed: agentsChanged,
    notice,
  });
  const local: LocalAgentKeeper = new LocalAgentKeeper({
    dataDir: resolve(driver.store.localAgentDir), driverPeerId: peerId, extraArgs: opts.localAgentArgs ?? [],
    directory, notice, busy: () => runs.open.length > 0,
  });

  await directory.start(opts.settings.get().knownAgents);
  // The local agent starts in the background: the window is usable meanwhile, and agents.changed tells when it is there.
  if (opts.localAgent) local.want(opts.settings.get().localSlots);
  // Runs the app was running when it last stopped (a crash, a kill) continue, as their agents connect.
  void runs.resumeInterrupted().catch((err: Error) => notice('warning', `resuming runs that were cut short: ${err.message}`));

  const core: AppCore = {
    info: () => ({ version: VERSION, repo: repoDir(), peerId, shell: opts.shell }),
    store: driver.store, pool, agents: directory, runs, repoDir,
    settings: {
      get: () => opts.settings.get(),
      set: (patch: SettingsPatch) => {
        const next = opts.settings.set(patch);
        if (patch.localSlots !== undefined && opts.localAgent) local.want(next.localSlots);
        if (patch.knownAgents !== undefined) directory.setKnown(next.knownAgents);
        return next;
      },
    },
  };

  let stopping: Promise<void> | undefined;
  return {
    peerId,
    openClient(send) {
      // Feeds start only on a term.attach through this server, so `server` is set by the time they send.
      const terms = new ClientTerms((runId, taskId, offset, data) => server.emit('term.data', { runId, taskId, offset, data }));
      const server = createBridgeServer(appHandlers(core, terms), send);
      clients.add(server);
      return {
        receive: (raw) => server.receive(raw),
        close: () => { clients.delete(server); terms.close(); },
      };
    },
    stop() {
      stopping ??= (async () => {
        await runs.stopAll(STOP_RUNS_TIMEOUT_MS);
        directory.stop();
        clearTimeout(agentsTimer);
        pool.removeAllListeners();
        await pool.close();
        await local.stop();
        clients.clear();
        await driver.stop();
      })();
      return stopping;
    },
  };
}
