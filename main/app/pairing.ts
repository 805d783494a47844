/**
 * `agents.pair`: the app's side of `/claudecluster/pair/1.0.0`, as `claudecluster pair` does it:
 * dial the agent (by multiaddr, or by PeerId when mDNS found it), send the one-time code, and on
 * success pin the agent's PeerId in the driver's data dir. Unpairing, in the app and in
 * `claudecluster unpair`, also tells the agent (`driver.unpair`), so trust ends on both sides.
 */
import { hostname } from 'node:os';
import { isMultiaddr, multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import type { PeerId } from '@libp2p/interface';
import { PROTOCOL } from '../../shared/constants.js';
import { PairReply } from '../../shared/protocol/pair.js';
import { RPC_ERROR, RpcError } from '../../shared/protocol/jsonrpc.js';
import { FramedStream } from '../../shared/node/frames.js';
import { fingerprint } from '../../shared/node/identity.js';
import type { Host } from '../../shared/node/host.js';
import type { DriverStore } from '../driver/store.js';
import { AgentClient, CONNECT_TIMEOUT_MS, withTimeout } from '../driver/agent-client.js';

/** What pairing pinned. */
export interface Paired {
  peerId: string;
  name: string;
  fingerprint: string;
  /** The address it was reached at (with /p2p/), for reconnecting later. */
  addr: string;
}

/** A pairing that did not happen, for people: a bad address, a refused code, no agent there. */
export function pairingError(message: string): RpcError {
  return new RpcError(RPC_ERROR.failed, message, { name: 'PairingError' });
}

/** Pairs with the agent at `target` (a multiaddr ending in /p2p/<id>, or a PeerId mDNS has found). */
export async function pairAgent(host: Host, store: DriverStore, target: string, code: string): Promise<Paired> {
  const dialTarget = parseTarget(target);
  if (!isMultiaddr(dialTarget) && !(await host.peerStore.has(dialTarget))) {
    throw pairingError(`agent ${target} has not been found on the LAN; give its address (/ip4/…/tcp/…/p2p/…) instead`);
  }
  let reply: PairReply;
  let peer: PeerId;
  let addr: string;
  try {
    const conn = await host.dial(dialTarget, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) });
    peer = conn.remotePeer;
    addr = conn.remoteAddr.toString();
    const framed = new FramedStream(await conn.newStream(PROTOCOL.pair, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) }));
    await framed.write({ code, name: hostname() });
    reply = await framed.read(PairReply);
    // Done with it: an agent lets a connection hold only a couple of pair streams at once.
    await framed.stream.close().catch(() => undefined);
  } catch (err) {
    throw pairingError(`could not pair with ${target}: ${(err as Error).message}. Is its pairing window open? (run "claudecluster-agent pair" on that machine)`);
  }
  if (!reply.ok) throw pairingError(`pairing refused: ${reply.error} (${reply.attemptsLeft} attempt(s) left)`);
  const full = addr.includes('/p2p/') ? addr : `${addr}/p2p/${peer.toString()}`;
  const fp = fingerprint(peer);
  await store.pin({ peerId: peer.toString(), name: reply.agentName, fingerprint: fp, addrs: [full] });
  return { peerId: peer.toString(), name: reply.agentName, fingerprint: fp, addr: full };
}

/**
 * Asks the agent to take this driver off its allowlist (`driver.unpair`), over `client` when it is
 * connected, else by dialing the agent's saved addresses; then closes this side's connections.
 * Returns why the agent could not be told (it is off or unreachable), or undefined when it was.
 */
export async function unpairOnAgent(host: Host, peerId: string, addrs: readonly string[], client?: AgentClient): Promise<string | undefined> {
  let problem: string | undefined = 'it has no saved address';
  for (const target of client ? [client] : addrs) {
    let c: AgentClient | undefined;
    try {
      c = typeof target === 'string' ? await AgentClient.connect(host, multiaddr(target)) : target;
      await withTimeout(c.rpc.request('driver.unpair', {}), CONNECT_TIMEOUT_MS, 'the agent did not answer driver.unpair');
      problem = undefined;
      break;
    } catch (err) {
      problem = (err as Error).message;
    } finally {
      await c?.close();
    }
  }
  await host.hangUp(peerIdFromString(peerId)).catch(() => {
    // Not connected, or the host is stopping: nothing of the agent's stays open either way.
  });
  return problem;
}

function parseTarget(s: string): Multiaddr | PeerId {
  if (s.startsWith('/')) {
    let ma: Multiaddr;
    try {
      ma = multiaddr(s);
    } catch {
      throw pairingError(`"${s}" is not a multiaddr`);
    }
    if (!ma.getComponents().some((c) => c.name === 'p2p')) throw pairingError(`${s} must end with /p2p/<peer id> so the agent's identity can be checked`);
    return ma;
  }
  try {
    return peerIdFromString(s);
  } catch {
    throw pairingError(`"${s}" is neither a multiaddr nor a PeerId`);
  }
}
