/**
 * `--local N`: an agent process on this machine, listening on loopback only. The driver owns
 * its data dir, so it starts it with `--trust <driver PeerId>` instead of a pairing code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { z } from 'zod';
import { EXIT } from '../../shared/node/cli-args.js';

/** The agent entry point, next to this file in the build. */
export const AGENT_BIN = fileURLToPath(new URL('../../agent/bin.js', import.meta.url));
/** How long a local agent may take to start listening. */
const START_TIMEOUT_MS = 15_000;
/** Grace period between SIGTERM and SIGKILL when stopping it. */
const STOP_GRACE_MS = 5_000;

const Listening = z.object({ type: z.literal('listening'), peerId: z.string(), addrs: z.array(z.string()) });

export interface LocalAgent {
  peerId: string;
  addr: Multiaddr;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface LocalAgentOptions {
  dataDir: string;
  driverPeerId: string;
  slots: number;
  name: string;
  extraArgs?: string[];
}

/** A data dir is taken by a running agent: try `<dir>-2`, `<dir>-3`… up to this many. */
const MAX_LOCAL_DIRS = 16;

export class DataDirInUse extends Error {}

/** Starts a local agent in `baseDir`, or the first sibling dir no running agent holds. */
export async function startLocalAgent(opts: LocalAgentOptions): Promise<LocalAgent> {
  for (let i = 1; i <= MAX_LOCAL_DIRS; i++) {
    try {
      return await startIn(opts, i === 1 ? opts.dataDir : `${opts.dataDir}-${i}`);
    } catch (err) {
      if (!(err instanceof DataDirInUse)) throw err;
    }
  }
  throw new Error(`every local agent data dir ${opts.dataDir}[-2..${MAX_LOCAL_DIRS}] is in use`);
}

async function startIn(opts: LocalAgentOptions, dataDir: string): Promise<LocalAgent> {
  const args = [AGENT_BIN, '--data-dir', dataDir, '--trust', opts.driverPeerId, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--json',
    '--slots', String(opts.slots), '--name', opts.name, '--stop-with-stdin', ...(opts.extraArgs ?? [])];
  // Its stdin is a pipe this process holds and never writes: it closes when this process ends.
  // Inside the desktop app process.execPath is Electron's binary: run it as plain Node.
  const env = process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env;
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
  const lines = createInterface({ input: child.stdout! });
  const listening = await new Promise<z.infer<typeof Listening>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local agent did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(code === EXIT.dataDirInUse ? new DataDirInUse(dataDir) : new Error(`local agent exited with code ${code}: ${stderr.trim()}`));
    });
    lines.on('line', (line) => {
      try {
        const ev = Listening.safeParse(JSON.parse(line));
        if (ev.success) { clearTimeout(timer); resolve(ev.data); }
      } catch {
        // Not an event line; the agent prints only NDJSON with --json, so ignore it.
      }
    });
  });
  const addr = multiaddr(listening.addrs[0]!);
  return {
    peerId: listening.peerId,
    addr,
    process: child,
    stop: () => stopProcess(child),
  };
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });
}
