/** The libp2p host used by agents and drivers: tcp + noise + yamux + identify + ping (+ mDNS). */
import './polyfill.js';
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@libp2p/yamux';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { mdns } from '@libp2p/mdns';
import type { ConnectionGater, PrivateKey } from '@libp2p/interface';
import { MDNS_SERVICE_TAG } from '../constants.js';

/**
 * yamux lets a stream window grow to 16 MiB but resets a paused stream whose read buffer
 * passes 4 MiB; keep the window below the buffer so pause() is safe (notes/libp2p.md).
 */
const YAMUX_STREAM_WINDOW = 4 * 1024 * 1024;
const YAMUX_READ_BUFFER = 8 * 1024 * 1024;
/** How often mDNS queries the LAN; new nodes announce themselves at once anyway. */
const MDNS_QUERY_INTERVAL_MS = 10_000;

export interface HostOptions {
  privateKey: PrivateKey;
  listen: string[];
  /** Discover peers by mDNS; `broadcast: false` = query but never answer (a driver). */
  mdns?: { broadcast: boolean } | false;
  gater?: ConnectionGater;
}

export type Host = Libp2p<{ identify: unknown; ping: unknown }>;

export async function createHost(opts: HostOptions): Promise<Host> {
  const peerDiscovery = opts.mdns
    ? [mdns({ serviceTag: MDNS_SERVICE_TAG, broadcast: opts.mdns.broadcast, interval: MDNS_QUERY_INTERVAL_MS })]
    : [];
  return createLibp2p({
    privateKey: opts.privateKey,
    addresses: { listen: opts.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: YAMUX_STREAM_WINDOW, maxReadBufferLength: YAMUX_READ_BUFFER } })],
    peerDiscovery,
    connectionGater: {
      // Loopback and LAN addresses are what this tool is for; libp2p's default denies none
      // of them for dialing, but say so explicitly so a later default change cannot bite.
      denyDialMultiaddr: () => false,
      ...opts.gater,
    },
    services: { identify: identify(), ping: ping() },
  }) as unknown as Promise<Host>;
}
