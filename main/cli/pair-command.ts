/** `claudecluster pair CODE --agent PEER`: pair with an agent whose pairing window is open. */
import { hostname } from 'node:os';
import { isMultiaddr, multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import type { PeerId } from '@libp2p/interface';
import { PROTOCOL } from '../../shared/constants.js';
import { PairReply } from '../../shared/protocol/pair.js';
import { FramedStream } from '../../shared/node/frames.js';
import { fingerprint } from '../../shared/node/identity.js';
import { EXIT, UsageError, parseFlags } from '../../shared/node/cli-args.js';
import { openDriver } from '../driver/driver-node.js';
import { CONNECT_TIMEOUT_MS } from '../driver/agent-client.js';
import { driverDataDir } from './common.js';

export const FLAGS = {
  agent: { type: 'string' },
  'data-dir': { type: 'string' },
  'no-mdns': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** How long to look for a bare PeerId on the LAN by mDNS. */
const FIND_PEER_MS = 10_000;

export async function pairCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length !== 1) throw new UsageError('pair needs exactly one CODE (shown by "claudecluster-agent pair")');
  if (!values.agent) throw new UsageError('pair needs --agent MULTIADDR or --agent PEERID');
  const target = parseTarget(values.agent);
  const driver = await openDriver({ dataDir: driverDataDir(values['data-dir']), mdns: !values['no-mdns'] && !isMultiaddr(target) });
  const say = (msg: string, body: object): void => {
    process.stdout.write(values.json ? JSON.stringify(body) + '\n' : msg + '\n');
  };
  try {
    const dialTarget = isMultiaddr(target) ? target : await findOnLan(driver.host, target);
    let reply: PairReply;
    let peer: PeerId;
    let addr: string;
    try {
      const conn = await driver.host.dial(dialTarget, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) });
      peer = conn.remotePeer;
      addr = conn.remoteAddr.toString();
      const framed = new FramedStream(await conn.newStream(PROTOCOL.pair, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) }));
      await framed.write({ code: positionals[0]!, name: hostname() });
      reply = await framed.read(PairReply);
      // Done with it: an agent lets a connection hold only a couple of pair streams at once.
      await framed.stream.close().catch(() => undefined);
    } catch (err) {
      throw new Error(`could not pair with ${values.agent}: ${(err as Error).message}. Is its pairing window open? (run "claudecluster-agent pair" on that machine)`);
    }
    if (!reply.ok) {
      const retry = reply.retryAfterMs ? { retryAfterMs: reply.retryAfterMs } : {};
      say(`Pairing refused: ${reply.error} (${reply.attemptsLeft} attempt(s) left)`, { type: 'pair-refused', error: reply.error, attemptsLeft: reply.attemptsLeft, ...retry });
      return EXIT.failed;
    }
    const fp = fingerprint(peer);
    await driver.store.pin({ peerId: peer.toString(), name: reply.agentName, fingerprint: fp, addrs: [addr.includes('/p2p/') ? addr : `${addr}/p2p/${peer.toString()}`] });
    say(`Paired with agent "${reply.agentName}" (${peer.toString()}).\nFingerprint ${fp}: check that it matches what the agent printed.`, { type: 'paired', agentName: reply.agentName, peerId: peer.toString(), fingerprint: fp });
    return EXIT.ok;
  } finally {
    await driver.stop();
  }
}

function parseTarget(s: string): Multiaddr | PeerId {
  if (s.startsWith('/')) {
    try {
      const ma = multiaddr(s);
      if (!ma.getComponents().some((c) => c.name === 'p2p')) throw new UsageError(`--agent ${s} must end with /p2p/<peer id> so the agent's identity can be checked`);
      return ma;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`--agent "${s}" is not a multiaddr`);
    }
  }
  try {
    return peerIdFromString(s);
  } catch {
    throw new UsageError(`--agent "${s}" is neither a multiaddr nor a PeerId`);
  }
}

async function findOnLan(host: Awaited<ReturnType<typeof openDriver>>['host'], peer: PeerId): Promise<PeerId> {
  if ((await host.peerStore.has(peer))) return peer;
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { host.removeEventListener('peer:discovery', on); reject(new Error(`agent ${peer.toString()} was not found on the LAN within ${FIND_PEER_MS / 1000}s; pass its address instead`)); }, FIND_PEER_MS);
    const on = (evt: CustomEvent<{ id: PeerId }>): void => {
      if (!evt.detail.id.equals(peer)) return;
      clearTimeout(t);
      host.removeEventListener('peer:discovery', on);
      resolve(peer);
    };
    host.addEventListener('peer:discovery', on);
  });
}
