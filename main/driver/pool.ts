/**
 * The agents a driver works with: explicit addresses, local agents, and pinned agents found
 * by mDNS. Only agents whose PeerId this driver has pinned (paired) or started are used. An
 * agent whose connection closes is dialled again, backing off, until it answers or the pool
 * closes: a network cut or an agent restart heals by itself.
 */
import { EventEmitter } from 'node:events';
import type { PeerId } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { Host } from '../../shared/node/host.js';
import { AgentClient } from './agent-client.js';

/** First redial after an agent's connection closed, doubling up to the most. */
const REDIAL_FIRST_MS = 250;
const REDIAL_MAX_MS = 4_000;

export interface PoolEvents {
  agent: [AgentClient];
  lost: [AgentClient, Error];
  error: [string];
}

export class AgentPool extends EventEmitter<PoolEvents> {
  private readonly clients = new Map<string, AgentClient>();
  private readonly connecting = new Set<string>();
  /** How each agent was reached, to dial it again the same way. */
  private readonly targets = new Map<string, Multiaddr | PeerId>();
  private readonly redials = new Map<string, NodeJS.Timeout>();
  private closing = false;

  constructor(private readonly host: Host, private readonly trusted: Set<string>) {
    super();
  }

  get agents(): AgentClient[] {
    return [...this.clients.values()];
  }

  trust(peerId: string): void {
    this.trusted.add(peerId);
  }

  /** Connects to an agent at an address; it must be pinned or local. */
  async add(target: Multiaddr | PeerId): Promise<AgentClient> {
    const client = await AgentClient.connect(this.host, target);
    const id = client.peerId.toString();
    if (!this.trusted.has(id)) {
      await client.close();
      throw new Error(`agent ${client.name} (${id}) is not paired with this driver: run "claudecluster pair CODE --agent ${id}" after "claudecluster-agent pair" on that machine`);
    }
    this.targets.set(id, target);
    return this.register(client);
  }

  /** Connects to pinned agents as mDNS finds them, including any found before this call. */
  discover(): void {
    this.host.addEventListener('peer:discovery', (evt) => this.connectDiscovered(evt.detail.id));
    void this.host.peerStore.all().then((peers) => {
      for (const p of peers) this.connectDiscovered(p.id);
    });
  }

  private connectDiscovered(peer: PeerId): void {
    const id = peer.toString();
    if (!this.trusted.has(id) || this.clients.has(id) || this.connecting.has(id)) return;
    this.connecting.add(id);
    AgentClient.connect(this.host, peer)
      .then((c) => this.register(c))
      .catch((err: Error) => this.emit('error', `could not connect to discovered agent ${id}: ${err.message}`))
      .finally(() => this.connecting.delete(id));
  }

  private register(client: AgentClient): AgentClient {
    const id = client.peerId.toString();
    const problem = client.info.claude.problem;
    if (problem) {
      // Connected and paired, but it cannot run Claude Code: say which agent and what to run there.
      this.emit('error', `agent ${client.name} is not used: ${problem}`);
      void client.close();
      return client;
    }
    const existing = this.clients.get(id);
    if (existing) {
      void client.close();
      return existing;
    }
    this.clients.set(id, client);
    this.targets.set(id, this.targets.get(id) ?? client.peerId);
    client.onClose((why) => {
      this.clients.delete(id);
      this.emit('lost', client, why);
      this.redial(id, REDIAL_FIRST_MS);
    });
    this.emit('agent', client);
    return client;
  }

  /** Dials a lost agent again after `delayMs`, backing off while it does not answer. */
  private redial(id: string, delayMs: number): void {
    if (this.closing || this.redials.has(id) || !this.trusted.has(id)) return;
    const target = this.targets.get(id);
    if (!target) return;
    this.redials.set(id, setTimeout(() => {
      this.redials.delete(id);
      if (this.closing || this.clients.has(id)) return;
      AgentClient.connect(this.host, target)
        .then((c) => { if (this.closing) void c.close(); else this.register(c); })
        // Not back yet (a cut, a restart under way): try again later; mDNS may also find it first.
        .catch(() => this.redial(id, Math.min(REDIAL_MAX_MS, delayMs * 2)));
    }, delayMs));
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.redials.values()) clearTimeout(t);
    this.redials.clear();
    await Promise.allSettled(this.agents.map((c) => c.close()));
    this.clients.clear();
  }
}
