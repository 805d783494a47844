/**
 * The driver side of the benchmark: a driver libp2p host connected to the bench agent child
 * (agent-child.ts), a small synced repo, and helpers to run tasks and read the raw TCP server.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { multiaddr } from '@multiformats/multiaddr';
import { AgentClient } from '../../main/driver/agent-client.js';
import { openDriver, type DriverNode } from '../../main/driver/driver-node.js';
import { RepoSync } from '../../main/driver/sync.js';
import { UserRepo } from '../../main/driver/user-repo.js';
import type { TaskResult, TaskSpec } from '../../shared/protocol/control.js';
import { FAKE_CLAUDE, makeRepo, type Scope } from '../harness.js';
import type { ChildConfig, ChildReady, ChildStats } from './agent-child.js';

const CHILD = fileURLToPath(new URL('./agent-child.js', import.meta.url));
/** How long the child may take to start listening. */
const CHILD_START_MS = 20_000;
/** How long one benchmark task may run. */
const TASK_TIMEOUT_MS = 60_000;

export class AgentLink {
  private seq = 0;

  private constructor(
    readonly driver: DriverNode,
    readonly client: AgentClient,
    private readonly repo: UserRepo,
    private readonly base: string,
    readonly runId: string,
    private readonly tcpPort: number,
  ) {}

  static async start(scope: Scope): Promise<AgentLink> {
    const driver = await openDriver({ dataDir: await scope.tmp('cc-bench-driver-'), mdns: false });
    try {
      const cfg: ChildConfig = { dataDir: await scope.tmp('cc-bench-agent-'), claudeBin: FAKE_CLAUDE, trust: [driver.host.peerId.toString()] };
      const ready = await spawnChild(scope, cfg);
      const client = await AgentClient.connect(driver.host, multiaddr(ready.addr));
      const repoDir = await makeRepo(join(await scope.tmp('cc-bench-repo-'), 'repo'), { 'README.md': '# bench\n' });
      const repo = await UserRepo.open(repoDir);
      const base = await repo.resolveCommit('HEAD');
      const runId = `bench-${Date.now().toString(36)}`;
      await new RepoSync(repo, await scope.tmp('cc-bench-run-')).ensure(client, base);
      return new AgentLink(driver, client, repo, base, runId, ready.tcpPort);
    } catch (err) {
      await driver.stop();
      throw err;
    }
  }

  /** A fresh task spec running `prompt`. */
  spec(prompt: string): TaskSpec {
    return { runId: this.runId, taskId: `t${++this.seq}`, title: 'bench', prompt, repoId: this.repo.repoId, base: this.base, session: {} };
  }

  /** Resolves with the task's result; call before task.start so the result cannot be missed. */
  awaitResult(spec: TaskSpec): Promise<TaskResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { off(); reject(new Error(`task ${spec.taskId} took over ${TASK_TIMEOUT_MS} ms`)); }, TASK_TIMEOUT_MS);
      const off = this.client.rpc.on('task.result', (r) => {
        if (r.runId !== spec.runId || r.taskId !== spec.taskId) return;
        clearTimeout(timer);
        off();
        // The session would wait for a follow-up: end it, so its terminal log ends too.
        void this.client.rpc.request('task.close', { runId: spec.runId, taskId: spec.taskId }).catch(() => undefined);
        if (r.ok) resolve(r);
        else reject(new Error(`task ${spec.taskId} failed: ${r.error ?? 'unknown error'}`));
      });
    });
  }

  async start(spec: TaskSpec): Promise<void> {
    await this.client.rpc.request('task.start', spec);
  }

  /** Reads `bytes` from the child's raw TCP server; returns milliseconds from connect to the last byte. */
  async rawRead(bytes: number, clock: () => number): Promise<{ ms: number; received: number }> {
    const t0 = clock();
    const sock = connect({ host: '127.0.0.1', port: this.tcpPort, noDelay: true });
    sock.write(`${bytes}\n`);
    let received = 0;
    sock.on('data', (d: Buffer) => { received += d.length; });
    await once(sock, 'end');
    const ms = clock() - t0;
    sock.destroy();
    return { ms, received };
  }

  async childStats(): Promise<ChildStats> {
    const sock = connect({ host: '127.0.0.1', port: this.tcpPort });
    sock.write('stats\n');
    let text = '';
    sock.setEncoding('utf8').on('data', (d: string) => { text += d; });
    await once(sock, 'end');
    sock.destroy();
    return JSON.parse(text) as ChildStats;
  }

  async stop(): Promise<void> {
    await this.client.close().catch(() => undefined);
    await this.driver.stop();
  }
}

async function spawnChild(scope: Scope, cfg: ChildConfig): Promise<ChildReady> {
  const child = scope.track(spawn(process.execPath, [CHILD, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench agent did not start within ${CHILD_START_MS} ms: ${stderr}`)), CHILD_START_MS);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`bench agent exited (${code}): ${stderr}`)); });
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Partial<ChildReady>;
        if (msg.type === 'ready') { clearTimeout(timer); resolve(msg as ChildReady); }
      } catch {
        // Not the ready line: the child prints nothing else on stdout, so ignore it.
      }
    });
  });
}
