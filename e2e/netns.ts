/**
 * A simulated LAN built from Linux network namespaces, for tests that need real multicast (mDNS)
 * without ever touching the machine's own network: one "lan" namespace holds a bridge, and each
 * host namespace is joined to it by a veth pair whose host end is `eth0`.
 *
 * Both ends of every veth are created directly inside our namespaces, so nothing appears in the
 * main namespace even for a moment; deleting the namespaces removes every link. Names carry the
 * test process's pid so parallel runs never clash. Needs root (or CAP_SYS_ADMIN) and iproute2.
 */
import { execFileSync } from 'node:child_process';

/** Linux interface names are at most 15 bytes (IFNAMSIZ - 1). */
const MAX_IFNAME = 15;
/** The bridge inside the lan namespace. */
const BRIDGE = 'br0';
/** Each host's side of its veth pair. */
const HOST_IF = 'eth0';
/** Where mDNS sends (RFC 6762): the route check below must pick eth0 for it. */
const MDNS_GROUP = '224.0.0.251';
/** Host addresses start here on the /24 (.1 is left unused, like a router's). */
const FIRST_HOST_OCTET = 2;
const PREFIX_LEN = 24;
/** A private range for our own namespaces only; never configured in the main namespace. */
const DEFAULT_SUBNET = '10.231.0';

export interface LanHost {
  /** The namespace name (for `ip netns exec`). */
  ns: string;
  /** The host's address on the LAN. */
  ip: string;
}

export interface Lan {
  /** Starts every namespace name of this LAN. */
  readonly prefix: string;
  /** Every namespace this LAN owns, the lan namespace first. */
  readonly namespaces: string[];
  readonly hosts: Record<string, LanHost>;
  /** A command prefix that runs a program inside `host`'s namespace (the harness's `wrap`). */
  wrap(host: string): string[];
  /** Unplugs (`down`) or plugs back in (`up`) `host`'s cable at the LAN's switch: its port on the bridge. */
  link(host: string, state: 'up' | 'down'): void;
  /** Signals every process still running in `host`'s namespace (all of them were started by the test). */
  kill(host: string, signal?: NodeJS.Signals): number;
  /** Kills what still runs inside, then deletes every namespace (and with them, every link). Safe to call twice. */
  destroy(): void;
}

/** The LAN could not be built here (not root, no iproute2, no netns support): a reason to skip. */
export class LanUnavailable extends Error {
  override name = 'LanUnavailable';
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { stderr?: string };
  if (e.code === 'ENOENT') return '"ip" (iproute2) is not installed';
  return (e.stderr?.trim() || e.message).split('\n')[0]!;
}

/**
 * Builds the LAN: namespaces `<prefix>-lan` and `<prefix>-<host>` for each of `hostNames`.
 * Throws LanUnavailable when namespaces cannot be created at all; any later failure tears down
 * what was built and rethrows.
 */
export function createLan(hostNames: string[], opts: { subnet?: string; tag?: string } = {}): Lan {
  const subnet = opts.subnet ?? DEFAULT_SUBNET;
  const prefix = `cc${opts.tag ?? ''}${process.pid}`;
  const lanNs = `${prefix}-lan`;
  const namespaces: string[] = [];
  const hosts: Record<string, LanHost> = {};
  const ports: Record<string, string> = {};
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    process.off('exit', destroy);
    for (const ns of [...namespaces].reverse()) {
      // A namespace with processes in it outlives `ip netns del`, links and all.
      killIn(ns, 'SIGKILL');
      try {
        ip('netns', 'del', ns);
      } catch {
        // Already gone (or never fully made): nothing left to remove.
      }
    }
  };

  try {
    ip('netns', 'add', lanNs);
  } catch (err) {
    throw new LanUnavailable(`cannot create network namespaces (ip netns add ${lanNs}): ${errorText(err)}`);
  }
  namespaces.push(lanNs);
  // A test runner killed mid-test still runs 'exit' handlers: remove the namespaces then too.
  process.on('exit', destroy);

  try {
    ip('-n', lanNs, 'link', 'set', 'lo', 'up');
    // No snooping: with no IGMP querier on this LAN the bridge must simply flood multicast.
    ip('-n', lanNs, 'link', 'add', BRIDGE, 'type', 'bridge', 'mcast_snooping', '0');
    ip('-n', lanNs, 'link', 'set', BRIDGE, 'up');
    hostNames.forEach((name, i) => {
      const ns = `${prefix}-${name}`;
      const port = `p${i}`;
      if (port.length > MAX_IFNAME) throw new Error(`interface name ${port} is too long`);
      ip('netns', 'add', ns);
      namespaces.push(ns);
      ip('-n', lanNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', HOST_IF, 'netns', ns);
      ip('-n', lanNs, 'link', 'set', port, 'master', BRIDGE);
      ip('-n', lanNs, 'link', 'set', port, 'up');
      const addr = `${subnet}.${FIRST_HOST_OCTET + i}`;
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'addr', 'add', `${addr}/${PREFIX_LEN}`, 'dev', HOST_IF);
      ip('-n', ns, 'link', 'set', HOST_IF, 'up');
      // multicast-dns sends through the default-route interface (notes/libp2p.md).
      ip('-n', ns, 'route', 'add', 'default', 'dev', HOST_IF);
      hosts[name] = { ns, ip: addr };
      ports[name] = port;
    });
    for (const h of Object.values(hosts)) {
      const route = ip('-n', h.ns, 'route', 'get', MDNS_GROUP);
      if (!route.includes(`dev ${HOST_IF}`)) throw new Error(`in ${h.ns}, ${MDNS_GROUP} does not route via ${HOST_IF}: ${route.trim()}`);
    }
  } catch (err) {
    destroy();
    throw new Error(`building the test LAN failed: ${errorText(err)}`);
  }

  return {
    prefix,
    namespaces,
    hosts,
    wrap: (host) => ['ip', 'netns', 'exec', hostNs(hosts, host)],
    link: (host, state) => {
      hostNs(hosts, host);
      ip('-n', lanNs, 'link', 'set', ports[host]!, state);
    },
    kill: (host, signal = 'SIGTERM') => killIn(hostNs(hosts, host), signal),
    destroy,
  };
}

function hostNs(hosts: Record<string, LanHost>, host: string): string {
  const h = hosts[host];
  if (!h) throw new Error(`no host "${host}" on this LAN`);
  return h.ns;
}

/** Signals each process in `ns` by pid; returns how many were signalled. */
function killIn(ns: string, signal: NodeJS.Signals): number {
  let pids: number[];
  try {
    pids = ip('netns', 'pids', ns).split('\n').filter((l) => l.trim() !== '').map(Number);
  } catch {
    // The namespace is gone already: nothing runs in it.
    return 0;
  }
  let n = 0;
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      n++;
    } catch {
      // It exited between listing and signalling.
    }
  }
  return n;
}

/** Namespaces whose names start with `prefix` (to check that none were left behind). */
export function namespacesWithPrefix(prefix: string): string[] {
  return ip('netns', 'list').split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(prefix));
}
