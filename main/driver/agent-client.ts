/**
 * The driver's connection to one agent: a control stream carrying JSON-RPC, plus term and
 * blob streams opened on demand. Everything the agent sends is validated by the contracts.
 */
import type { PeerId, Stream } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { PROTOCOL } from '../../shared/constants.js';
import { RpcClient, RpcError, controlContract, type AgentInfo, type ControlContract } from '../../shared/protocol/index.js';
import { rpcChannel } from '../../shared/node/frames.js';
import type { Host } from '../../shared/node/host.js';

/** How long to wait for an agent to answer a dial and its first request. */
export const CONNECT_TIMEOUT_MS = 10_000;

export class AgentClient {
  private closedListeners = new Set<(why: Error) => void>();
  private lost = false;

  private constructor(
    readonly host: Host,
    readonly peerId: PeerId,
    readonly rpc: RpcClient<ControlContract>,
    private readonly control: Stream,
    public info: AgentInfo,
  ) {}

  static async connect(host: Host, target: PeerId | Multiaddr): Promise<AgentClient> {
    const signal = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
    const conn = await host.dial(target, { signal });
    const stream = await conn.newStream(PROTOCOL.control, { signal });
    const channel = rpcChannel(stream);
    const rpc = new RpcClient(controlContract, channel.send);
    const done = channel.start((raw) => {
      const problem = rpc.receive(raw);
      // An error addressed to no request is the agent refusing the whole stream (e.g. not paired).
      if (problem && isStreamError(raw)) rpc.close(new RpcError(raw.error.code, raw.error.message));
    });
    const client = new AgentClient(host, conn.remotePeer, rpc, stream, undefined as unknown as AgentInfo);
    // A stream that ends, or dies with its connection (a cut, a ping timeout), closes the client alike.
    void done.then(
      () => client.onClosed(new Error('connection to agent closed')),
      (err: Error) => client.onClosed(new Error(`connection to agent lost (${err.message})`)),
    );
    client.info = await withTimeout(rpc.request('agent.info', {}), CONNECT_TIMEOUT_MS, 'agent did not answer agent.info');
    return client;
  }

  get name(): string {
    return this.info.name;
  }

  /** Opens another stream to this agent on `protocol`. */
  openStream(protocol: string): Promise<Stream> {
    return this.host.dialProtocol(this.peerId, protocol, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) });
  }

  /** False once the control stream has closed: this client is done, a reconnect makes a new one. */
  get connected(): boolean {
    return !this.lost;
  }

  onClose(fn: (why: Error) => void): () => void {
    this.closedListeners.add(fn);
    return () => this.closedListeners.delete(fn);
  }

  private onClosed(why: Error): void {
    this.lost = true;
    this.rpc.close(why);
    for (const fn of this.closedListeners) fn(why);
    this.closedListeners.clear();
  }

  async close(): Promise<void> {
    await this.control.close().catch(() => this.control.abort(new Error('closing')));
  }
}

function isStreamError(raw: unknown): raw is { error: { code: number; message: string } } {
  if (!raw || typeof raw !== 'object') return false;
  const r = raw as { id?: unknown; error?: { code?: unknown; message?: unknown } };
  return r.id === null && typeof r.error?.code === 'number' && typeof r.error.message === 'string';
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}
