/** The driver's libp2p node and data dir, shared by every CLI command. */
import { createHost, type Host } from '../../shared/node/host.js';
import { loadOrCreateKey } from '../../shared/node/identity.js';
import type { PrivateKey } from '@libp2p/interface';
import { DriverStore } from './store.js';

export interface DriverNode {
  store: DriverStore;
  host: Host;
  stop(): Promise<void>;
}

/** `privateKey`: the driver's key when the caller has loaded it already (see loadOrCreateKey). */
export async function openDriver(opts: { dataDir: string; mdns: boolean; privateKey?: PrivateKey }): Promise<DriverNode> {
  const store = new DriverStore(opts.dataDir);
  await store.init();
  const privateKey = opts.privateKey ?? await loadOrCreateKey(store.key);
  const host = await createHost({
    privateKey,
    // A driver only dials out; it never needs to be reachable.
    listen: [],
    // Query the LAN for agents, but never answer: drivers need not be discoverable.
    mdns: opts.mdns ? { broadcast: false } : false,
    gater: { denyInboundConnection: () => true },
  });
  return { store, host, stop: async () => { await host.stop(); } };
}
