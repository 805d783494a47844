/**
 * The agents the app knows: paired ones (pinned in the driver's data dir, reached by their saved
 * addresses and by mDNS), the local agent it started, the addresses in the settings, and unpaired
 * agents seen on the LAN. Paired agents that are not connected are retried every
 * RECONNECT_INTERVAL_MS. `list()` is what `agents.list` and `agents.changed` carry.
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import type { PeerId } from '@libp2p/interface';
import type { AgentView } from '../../shared/bridge/agents.js';
import type { AgentInfo } from '../../shared/protocol/control.js';
import { RPC_ERROR, RpcError } from '../../shared/protocol/jsonrpc.js';
import { fingerprint } from '../../shared/node/identity.js';
import type { Host } from '../../shared/node/host.js';
import type { AgentPool } from '../driver/pool.js';
import type { DriverStore, PinnedAgent } from '../driver/store.js';
import { pairAgent, unpairOnAgent } from './pairing.js';

/** How often paired agents that are not connected are tried again. */
export const RECONNECT_INTERVAL_MS = 10_000;

export interface AgentDirectoryDeps {
  host: Host;
  store: DriverStore;
  pool: AgentPool;
  /** The pool's set of PeerIds it may use: pairing adds to it, unpairing takes away. */
  trusted: Set<string>;
  mdns: boolean;
  /** Tasks of the app's open runs on this agent now. */
  slotsInUse(peerId: string): number;
  /** Until when an open run gives this agent no work after failures (ms since the epoch). */
  backedOffUntil(peerId: string): number | undefined;
  /** The list changed: `agents.changed` goes out. */
  changed(): void;
  notice(level: 'info' | 'warning' | 'error', message: string): void;
}

export class AgentDirectory {
  private pinned: PinnedAgent[] = [];
  /** Agents mDNS found, with the addresses it gave. */
  private readonly seen = new Map<string, string[]>();
  /** Agents reached and paired, but without a usable Claude Code: what they reported. */
  private readonly notReady = new Map<string, AgentInfo>();
  private readonly connecting = new Set<string>();
  private known: string[] = [];
  private localPeer: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: AgentDirectoryDeps) {}

  /** Loads the paired agents, starts listening for agents, and connects to those it can. */
  async start(knownAgents: readonly string[]): Promise<void> {
    const { pool, host } = this.deps;
    this.pinned = await this.deps.store.pinned();
    pool.on('agent', () => this.deps.changed());
    pool.on('lost', (a, why) => {
      this.deps.notice('warning', `lost agent ${a.name}: ${why.message}`);
      this.deps.changed();
    });
    pool.on('error', (message) => this.deps.notice('warning', message));
    if (this.deps.mdns) {
      host.addEventListener('peer:discovery', (evt) => {
        const id = evt.detail.id.toString();
        this.seen.set(id, evt.detail.multiaddrs.map(String));
        if (this.deps.trusted.has(id)) void this.connect(evt.detail.id);
        this.deps.changed();
      });
    }
    this.setKnown(knownAgents);
    this.reconnect();
    this.timer = setInterval(() => this.reconnect(), RECONNECT_INTERVAL_MS);
  }

  /** The addresses from the settings (connected now, and retried like paired agents). */
  setKnown(addrs: readonly string[]): void {
    this.known = addrs.filter((addr) => {
      try {
        multiaddr(addr);
        return true;
      } catch {
        this.deps.notice('warning', `known agent "${addr}" is not a multiaddr; it is skipped`);
        return false;
      }
    });
    this.reconnect();
  }

  /** The agent the app started on this machine (undefined: none runs now). */
  setLocal(peerId: string | undefined): void {
    if (this.localPeer) this.deps.trusted.delete(this.localPeer);
    this.localPeer = peerId;
    if (peerId) this.deps.trusted.add(peerId);
    this.deps.changed();
  }

  /** Connects to an agent; one that cannot run Claude Code is remembered as not ready. */
  async connect(target: Multiaddr | PeerId): Promise<void> {
    const key = target.toString();
    if (this.connecting.has(key) || this.stopped) return;
    this.connecting.add(key);
    try {
      const client = await this.deps.pool.add(target);
      const id = client.peerId.toString();
      if (client.info.claude.problem) this.notReady.set(id, client.info);
      else this.notReady.delete(id);
      this.deps.changed();
    } catch {
      // Not reachable now (retried later), or not paired (listed as unpaired when its PeerId is known).
      const id = peerOf(target);
      if (id && !this.deps.trusted.has(id) && !this.seen.has(id)) {
        this.seen.set(id, [key]);
        this.deps.changed();
      }
    } finally {
      this.connecting.delete(key);
    }
  }

  /** Every agent the app knows of, paired or not, connected or not. */
  list(): AgentView[] {
    const { pool, trusted } = this.deps;
    const ids = new Set<string>([
      ...this.pinned.map((p) => p.peerId), ...pool.agents.map((a) => a.peerId.toString()),
      ...this.notReady.keys(), ...this.seen.keys(), ...(this.localPeer ? [this.localPeer] : []),
    ]);
    return [...ids].map((id) => {
      const client = pool.agents.find((a) => a.peerId.toString() === id);
      const pinned = this.pinned.find((p) => p.peerId === id);
      const unready = client ? undefined : this.notReady.get(id);
      const info = client?.info ?? unready;
      const paired = trusted.has(id);
      const local = id === this.localPeer;
      const addrs = [...new Set([...(pinned?.addrs ?? []), ...(this.seen.get(id) ?? [])])];
      const view: AgentView = {
        peerId: id, name: info?.name ?? pinned?.name ?? (local ? 'local' : `agent ${fingerprint(id)}`), fingerprint: fingerprint(id), addrs,
        paired, connected: !!client || !!unready, local, slots: info?.slots ?? 0, slotsInUse: this.deps.slotsInUse(id),
        claudeVersion: info?.claude.version ?? null, loggedIn: info?.claude.loggedIn ?? false, health: 'ready',
      };
      const until = client ? this.deps.backedOffUntil(id) : undefined;
      if (!paired) return { ...view, health: 'unpaired', detail: 'not paired: run "claudecluster-agent pair" on its machine, then pair with the code it shows' };
      if (unready) return { ...view, health: 'not-ready', detail: unready.claude.problem ?? 'Claude Code cannot run there' };
      if (!client) return { ...view, health: 'offline' };
      if (until !== undefined) return { ...view, health: 'backed-off', detail: new Date(until).toISOString() };
      return view;
    });
  }

  /** Pairs with an agent by its one-time code and connects to it. */
  async pair(target: string, code: string): Promise<AgentView> {
    const paired = await pairAgent(this.deps.host, this.deps.store, target, code);
    this.pinned = await this.deps.store.pinned();
    this.deps.trusted.add(paired.peerId);
    this.seen.delete(paired.peerId);
    await this.connect(multiaddr(paired.addr));
    this.deps.changed();
    return this.list().find((a) => a.peerId === paired.peerId)!;
  }

  /**
   * Forgets a paired agent: it is no longer used, the agent is told to forget this driver too
   * (`driver.unpair`), and the connection is closed.
   */
  async unpair(peerId: string): Promise<void> {
    if (peerId === this.localPeer) throw new RpcError(RPC_ERROR.failed, 'the local agent belongs to this app; set its slots to 0 in the settings instead', { name: 'LocalAgent' });
    const pinned = this.pinned.find((p) => p.peerId === peerId);
    if (!(await this.deps.store.unpin(peerId))) throw new RpcError(RPC_ERROR.notFound, `agent ${peerId} is not paired`, { name: 'NotPaired' });
    this.pinned = await this.deps.store.pinned();
    this.deps.trusted.delete(peerId);
    this.notReady.delete(peerId);
    const client = this.deps.pool.agents.find((a) => a.peerId.toString() === peerId);
    const problem = await unpairOnAgent(this.deps.host, peerId, pinned?.addrs ?? [], client);
    if (problem) this.deps.notice('warning', `unpaired here, but agent ${pinned?.name ?? peerId} could not be told (${problem}); run "claudecluster-agent unpair ${this.deps.host.peerId.toString()}" on its machine`);
    this.deps.changed();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Tries every paired or known agent that is not connected, by each address it has. */
  private reconnect(): void {
    if (this.stopped) return;
    const connected = new Set(this.deps.pool.agents.map((a) => a.peerId.toString()));
    const targets = [
      ...this.pinned.filter((p) => !connected.has(p.peerId)).flatMap((p) => p.addrs),
      ...this.known.filter((a) => { const id = peerOf(a); return !id || !connected.has(id); }),
    ];
    for (const addr of new Set(targets)) {
      try {
        void this.connect(multiaddr(addr));
      } catch {
        // A damaged address in agents.json: the agent's other addresses or mDNS may still reach it.
      }
    }
  }
}

/** The PeerId a multiaddr ends with, or the target's own. */
function peerOf(target: Multiaddr | PeerId | string): string | undefined {
  const text = target.toString();
  const m = /\/p2p\/([^/]+)$/.exec(text);
  if (m) return m[1];
  if (text.startsWith('/')) return undefined;
  try {
    return peerIdFromString(text).toString();
  } catch {
    return undefined; // Not a PeerId: nothing to list it by.
  }
}
