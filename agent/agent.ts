/** The agent: wires identity, trust, the libp2p host, handlers and tasks together. */
import { mkdir, rm } from 'node:fs/promises';
import { platform, arch } from 'node:os';
import type { Server } from 'node:net';
import { PROTOCOL, PAIRING_WINDOW_MS } from '../shared/constants.js';
import { createHost, type Host } from '../shared/node/host.js';
import { fingerprint, loadOrCreateKey, peerIdFromPrivateKey } from '../shared/node/identity.js';
import type { AgentInfo } from '../shared/protocol/control.js';
import { AgentPaths } from './paths.js';
import { Allowlist, PairingWindow, displayCode } from './trust.js';
import { BlobStore } from './blob-store.js';
import { RepoCache } from './repo-cache.js';
import { TaskManager } from './tasks.js';
import { handleControl } from './handlers/control.js';
import { handleTerm } from './handlers/term.js';
import { handleBlob } from './handlers/blob.js';
import { handlePair } from './handlers/pair.js';
import type { HandlerContext } from './handlers/context.js';
import type { AgentEvent } from './events.js';
import { serveLocalControl, type PairOpened } from './local-control.js';
import { AuditLog, auditOf } from './audit.js';
import { auditTasks, revoker, type Revoke } from './revoke.js';
import { VERSION } from '../shared/version.js';
import { HookServer } from './hooks/server.js';
import { ClaudeDialogs } from './claude-config.js';
import { Preflight } from './preflight.js';
import { SAFE_PERMISSION_MODES, checkPermissions, type PermissionPolicy } from './permissions.js';

export interface AgentConfig {
  dataDir: string;
  listen: string[];
  slots: number;
  name: string;
  claudeBin: string;
  mdns: boolean;
  pairOnStart: boolean;
  /** Driver PeerIds to trust without a code (a driver that owns this data dir). */
  trust: string[];
  /** Session mode for goals that do not choose one. */
  sessionMode: 'tui' | 'headless';
  idleTimeoutMs: number;
  /** The niceness of sessions and of the goal's setup and verify (see niceness.ts). */
  niceness: number;
  /** The owner allows bypassPermissions. */
  allowBypass: boolean;
}

/** Streams per protocol a single connection may open at once. */
const MAX_INBOUND_STREAMS = { control: 4, term: 256, blob: 16, pair: 2 } as const;

export class Agent {
  private constructor(
    readonly host: Host,
    readonly tasks: TaskManager,
    private readonly local: Server,
    readonly fingerprint: string,
    private readonly hooks: HookServer,
    private readonly audit: AuditLog,
    private readonly dialogs: ClaudeDialogs,
  ) {}

  static async start(cfg: AgentConfig, report: (e: AgentEvent) => void): Promise<Agent> {
    const paths = new AgentPaths(cfg.dataDir);
    await mkdir(paths.root, { recursive: true, mode: 0o700 });
    const privateKey = await loadOrCreateKey(paths.key);
    const allowlist = await Allowlist.load(paths.allowlist);
    const audit = new AuditLog(paths.audit, (err) => process.stderr.write(`claudecluster-agent: cannot write the audit log: ${err.message}\n`));
    const emit = (e: AgentEvent): void => {
      report(e);
      const entry = auditOf(e, (id) => allowlist.nameOf(id));
      if (entry) audit.record(entry);
    };
    for (const peerId of cfg.trust) await allowlist.add(peerId, 'trusted at start');
    const pairing = new PairingWindow();
    const blobs = new BlobStore(paths.blobs);
    await blobs.init();
    // Worktrees left by an earlier run of this agent are not tracked any more: start clean.
    await rm(paths.work, { recursive: true, force: true });
    const repos = new RepoCache(paths, cfg.slots);
    const fp = fingerprint(peerIdFromPrivateKey(privateKey));
    const hooks = await HookServer.start(paths.hookSocket);
    const dialogs = new ClaudeDialogs(process.env, paths.work);
    const policy: PermissionPolicy = {
      allowed: cfg.allowBypass ? [...SAFE_PERMISSION_MODES, 'bypassPermissions'] : SAFE_PERMISSION_MODES,
      isRoot: process.getuid?.() === 0,
    };
    const tasks = new TaskManager({
      paths, repos, blobs, hooks, slots: cfg.slots, claudeBin: cfg.claudeBin, defaultMode: cfg.sessionMode, idleTimeoutMs: cfg.idleTimeoutMs, niceness: cfg.niceness,
      env: (spec) => {
        const check = checkPermissions(spec, policy);
        return { ...process.env, ...(check.ok ? check.env : {}) };
      },
      prepare: (worktree) => dialogs.prepare(worktree),
    });
    // Tasks from before a restart: their logs and uncollected results are served again.
    for (const problem of await tasks.restore()) emit({ type: 'warning', message: `a task record could not be read and was left as it is: ${problem}` });
    const preflight = new Preflight(cfg.claudeBin, process.env);
    await preflight.refresh();

    const openPairing = (): PairOpened => {
      const { code, expiresAt } = pairing.open(PAIRING_WINDOW_MS);
      const opened = { code: displayCode(code), expiresAt: new Date(expiresAt).toISOString(), fingerprint: fp };
      emit({ type: 'pairing', ...opened });
      return opened;
    };
    // The socket is served before the host exists (it is what finds a data dir in use), so
    // unpairing is refused for the moment until the host is up.
    const late: { revoke?: Revoke } = {};
    const local = await serveLocalControl(paths.socket, {
      pair: openPairing,
      unpair: (peerId) => (late.revoke ? late.revoke(peerId, 'agent') : Promise.reject(new Error('the agent is still starting'))),
    });
    const host = await createHost({
      privateKey,
      listen: cfg.listen,
      mdns: cfg.mdns ? { broadcast: true } : false,
      gater: {
        // Unknown peers may connect only while a pairing window is open (then only pair works).
        denyInboundEncryptedConnection: (peerId) => {
          const deny = !allowlist.has(peerId.toString()) && !pairing.isOpen();
          if (deny) audit.record({ action: 'refused', peerId: peerId.toString(), protocol: 'connection' });
          return deny;
        },
      },
    });
    const info = (): AgentInfo => ({
      peerId: host.peerId.toString(), name: cfg.name, version: VERSION, platform: `${platform()}-${arch()}`,
      slots: tasks.slots, running: tasks.busy, claudeBin: cfg.claudeBin, claude: preflight.current(), permissionModes: [...policy.allowed],
    });
    const revoke = revoker({ allowlist, tasks, host, emit });
    late.revoke = revoke;
    auditTasks(audit, tasks, (id) => allowlist.nameOf(id));
    const ctx: HandlerContext = { allowlist, pairing, tasks, repos, blobs, info, emit, policy, revoke };
    const opts = (n: number) => ({ maxInboundStreams: n, runOnLimitedConnection: false });
    await host.handle(PROTOCOL.control, (s, c) => handleControl(ctx, s, c), opts(MAX_INBOUND_STREAMS.control));
    await host.handle(PROTOCOL.term, (s, c) => handleTerm(ctx, s, c), opts(MAX_INBOUND_STREAMS.term));
    await host.handle(PROTOCOL.blob, (s, c) => handleBlob(ctx, s, c), opts(MAX_INBOUND_STREAMS.blob));
    await host.handle(PROTOCOL.pair, (s, c) => handlePair(ctx, s, c, cfg.name), opts(MAX_INBOUND_STREAMS.pair));
    tasks.on('state', (_owner, e) => emit({ type: 'task', runId: e.runId, taskId: e.taskId, state: e.state, ...(e.detail ? { detail: e.detail } : {}) }));

    emit({ type: 'listening', peerId: host.peerId.toString(), fingerprint: fp, name: cfg.name, addrs: host.getMultiaddrs().map(String), slots: cfg.slots, mdns: cfg.mdns, claude: preflight.current(), hookUrl: hooks.url });
    if (cfg.pairOnStart) openPairing();
    return new Agent(host, tasks, local, fp, hooks, audit, dialogs);
  }

  async stop(): Promise<void> {
    await this.tasks.stop();
    // A failure to tidy Claude Code's config must not keep the agent from stopping.
    await this.dialogs.forgetWorktrees().catch(() => undefined);
    await this.hooks.close();
    await new Promise<void>((resolve) => this.local.close(() => resolve()));
    await this.host.stop();
    await this.audit.flush();
  }
}
