/** `claudecluster agents`: paired agents (online or not) and unpaired ones seen on the LAN. */
import { multiaddr } from '@multiformats/multiaddr';
import { EXIT, UsageError, parseFlags } from '../../shared/node/cli-args.js';
import { openDriver } from '../driver/driver-node.js';
import { AgentClient } from '../driver/agent-client.js';
import { driverDataDir } from './common.js';

export const FLAGS = { json: { type: 'boolean' }, 'data-dir': { type: 'string' }, 'no-mdns': { type: 'boolean' } } as const;
/** How long to listen for agents announcing themselves by mDNS. */
const LISTEN_MS = 3_000;

interface Row { peerId: string; name: string; paired: boolean; online: boolean; fingerprint?: string; slots?: number; running?: number; addrs: string[] }

export async function agentsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const mdns = !values['no-mdns'];
  const driver = await openDriver({ dataDir: driverDataDir(values['data-dir']), mdns });
  try {
    const seen = new Map<string, string[]>();
    driver.host.addEventListener('peer:discovery', (e) => seen.set(e.detail.id.toString(), e.detail.multiaddrs.map(String)));
    const pinned = await driver.store.pinned();
    const rows: Row[] = await Promise.all(pinned.map(async (p): Promise<Row> => {
      const row: Row = { peerId: p.peerId, name: p.name, paired: true, online: false, fingerprint: p.fingerprint, addrs: p.addrs };
      for (const a of p.addrs) {
        try {
          const c = await AgentClient.connect(driver.host, multiaddr(a));
          Object.assign(row, { online: true, name: c.info.name, slots: c.info.slots, running: c.info.running });
          await c.close();
          break;
        } catch {
          // Try the next stored address; the agent may be off or have moved.
        }
      }
      return row;
    }));
    if (mdns) await new Promise((r) => setTimeout(r, LISTEN_MS));
    for (const [peerId, addrs] of seen) {
      if (!rows.some((r) => r.peerId === peerId)) rows.push({ peerId, name: '?', paired: false, online: true, addrs });
    }
    if (values.json) {
      for (const r of rows) process.stdout.write(JSON.stringify({ type: 'agent', ...r }) + '\n');
    } else if (rows.length === 0) {
      process.stdout.write('No agents. Start one with "claudecluster-agent --pair" on a machine, then "claudecluster pair CODE --agent ADDR" here.\n');
    } else {
      for (const r of rows) {
        const state = r.paired ? (r.online ? `online, ${r.running ?? 0}/${r.slots ?? '?'} slots busy` : 'offline') : 'not paired';
        process.stdout.write(`${r.name.padEnd(20)} ${state.padEnd(28)} ${r.fingerprint ?? ''.padEnd(14)} ${r.peerId}\n`);
      }
    }
    return EXIT.ok;
  } finally {
    await driver.stop();
  }
}
