/**
 * `claudecluster unpair PEERID`: forget a paired agent here, and tell the agent to forget this
 * driver (`driver.unpair`), so neither side trusts the other any more.
 */
import { EXIT, UsageError, parseFlags } from '../../shared/node/cli-args.js';
import { openDriver } from '../driver/driver-node.js';
import { unpairOnAgent } from '../app/pairing.js';
import { driverDataDir } from './common.js';

export const FLAGS = { 'data-dir': { type: 'string' }, json: { type: 'boolean' } } as const;

export async function unpairCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length !== 1) throw new UsageError('unpair needs exactly one PEERID (see: claudecluster agents)');
  const peerId = positionals[0]!;
  const say = (msg: string, body: object): void => {
    process.stdout.write(values.json ? JSON.stringify(body) + '\n' : msg + '\n');
  };
  const driver = await openDriver({ dataDir: driverDataDir(values['data-dir']), mdns: false });
  try {
    const pinned = (await driver.store.pinned()).find((p) => p.peerId === peerId);
    if (!pinned) {
      say(`Agent ${peerId} is not paired with this driver.`, { type: 'not-paired', peerId });
      return EXIT.failed;
    }
    // The agent first, while it still knows us; then our own record.
    const problem = await unpairOnAgent(driver.host, peerId, pinned.addrs);
    await driver.store.unpin(peerId);
    const told = problem === undefined;
    say(told
      ? `Unpaired agent "${pinned.name}" (${peerId}); it no longer accepts this driver.`
      : `Unpaired agent "${pinned.name}" here, but it could not be told (${problem}).\nOn its machine run: claudecluster-agent unpair ${driver.host.peerId.toString()}`,
    { type: 'unpaired', peerId, name: pinned.name, agentTold: told, ...(told ? {} : { problem, driverPeerId: driver.host.peerId.toString() }) });
    return EXIT.ok;
  } finally {
    await driver.stop();
  }
}
