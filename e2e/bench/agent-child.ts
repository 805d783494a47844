/**
 * The benchmark's "agent machine": a real Agent plus a raw TCP server in one process, so the
 * term protocol and a plain socket are measured between the same two processes.
 *
 * argv[2] is a JSON ChildConfig. Prints one JSON `ChildReady` line on stdout, then serves until
 * SIGTERM. The TCP server reads one request line per connection:
 *   `<N>\n`    → writes N bytes as fast as the socket takes them, then ends;
 *   `stats\n`  → writes ChildStats as JSON (and resets the event-loop histogram), then ends.
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent } from '../../agent/agent.js';
import { DEFAULT_NICENESS } from '../../shared/node/niceness.js';

export interface ChildConfig {
  dataDir: string;
  claudeBin: string;
  trust: string[];
}

export interface ChildReady {
  type: 'ready';
  peerId: string;
  addr: string;
  tcpPort: number;
}

export interface ChildStats {
  rssBytes: number;
  maxRssBytes: number;
  /** Longest event-loop stall since the last stats request. */
  maxLoopDelayMs: number;
}

/** Size of each write of the raw TCP server: the same as the term log's replay reads. */
const RAW_CHUNK = 64 * 1024;
const AGENT_SLOTS = 2;
const NS_PER_MS = 1e6;
const BYTES_PER_KB = 1024;
/** Resolution of the event-loop delay histogram. */
const LOOP_RESOLUTION_MS = 10;

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  const agent = await Agent.start({
    dataDir: cfg.dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], slots: AGENT_SLOTS, name: 'bench-agent',
    claudeBin: cfg.claudeBin, mdns: false, pairOnStart: false, trust: cfg.trust,
    // TUI mode: the pane gets the program's raw bytes, so (b) measures the network path alone.
    sessionMode: 'tui', idleTimeoutMs: 60_000, niceness: DEFAULT_NICENESS, allowBypass: false,
  }, () => undefined);
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const stats = (): ChildStats => {
    const s = { rssBytes: process.memoryUsage().rss, maxRssBytes: process.resourceUsage().maxRSS * BYTES_PER_KB, maxLoopDelayMs: loop.max / NS_PER_MS };
    loop.reset();
    return s;
  };
  const chunk = Buffer.alloc(RAW_CHUNK, 'x');
  const server = createServer((sock) => {
    void serve(sock, chunk, stats).catch(() => sock.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const ready: ChildReady = { type: 'ready', peerId: agent.host.peerId.toString(), addr: agent.host.getMultiaddrs().map(String)[0]!, tcpPort: port };
  process.stdout.write(JSON.stringify(ready) + '\n');

  process.once('SIGTERM', () => {
    server.close();
    loop.disable();
    void agent.stop().finally(() => process.exit(0));
  });
}

async function serve(sock: Socket, chunk: Buffer, stats: () => ChildStats): Promise<void> {
  sock.setNoDelay(true);
  const line = await readLine(sock);
  if (line === 'stats') {
    sock.end(JSON.stringify(stats()));
    return;
  }
  let left = Number(line);
  if (!Number.isSafeInteger(left) || left < 0) throw new Error(`bad request ${line}`);
  while (left > 0) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= piece.length;
    if (!sock.write(piece)) await once(sock, 'drain');
  }
  sock.end();
}

function readLine(sock: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      sock.off('data', onData);
      sock.pause();
      resolve(text.slice(0, nl));
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench agent child failed: ${String(err)}\n`);
  process.exit(1);
});
