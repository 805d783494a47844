/**
 * A test acting as the driver itself: its own libp2p node, one agent that trusts it, a repo whose
 * HEAD is already synced to the agent, and every task state the agent reports. For tests that
 * drive the control protocol directly rather than through `claudecluster run`.
 */
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { createHost, type Host } from '../shared/node/host.js';
import { AgentClient } from '../main/driver/agent-client.js';
import { RepoSync } from '../main/driver/sync.js';
import { UserRepo } from '../main/driver/user-repo.js';
import type { SessionOptions } from '../shared/goal/types.js';
import type { TaskResult, TaskStateEvent } from '../shared/protocol/control.js';
import { git, makeRepo, startAgent, type AgentProc, type Scope } from './harness.js';

export interface DirectAgent {
  host: Host;
  agent: AgentProc;
  agentDir: string;
  client: AgentClient;
  repo: UserRepo;
  base: string;
  states: TaskStateEvent[];
  /** Starts task `taskId` of run r1 with `prompt` at the repo's HEAD. */
  start(taskId: string, prompt: string, session?: SessionOptions): Promise<void>;
  /** The next result the agent reports. */
  nextResult(): Promise<TaskResult>;
  /** Starts a second agent (data in `dataDir`) that trusts this driver, and connects to it; the caller closes the client. */
  another(dataDir: string): Promise<AgentClient>;
  close(): Promise<void>;
}

export async function directAgent(scope: Scope, tmp: string, agentArgs: string[] = []): Promise<DirectAgent> {
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: [], mdns: false });
  const agentDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir: agentDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', host.peerId.toString(), ...agentArgs] });
  const repoDir = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const repo = await UserRepo.open(repoDir);
  const base = git(repoDir, 'rev-parse', 'HEAD');
  const client = await AgentClient.connect(host, multiaddr(agent.addr));
  await new RepoSync(repo, tmp).ensure(client, base);
  const states: TaskStateEvent[] = [];
  client.rpc.on('task.state', (e) => states.push(e));
  return {
    host, agent, agentDir, client, repo, base, states,
    start: async (taskId, prompt, session = { mode: 'tui' }) => {
      await client.rpc.request('task.start', { runId: 'r1', taskId, title: taskId, prompt, repoId: repo.repoId, base, session });
    },
    nextResult: () => new Promise((resolve) => {
      const off = client.rpc.on('task.result', (r) => { off(); resolve(r); });
    }),
    another: async (dataDir) => {
      const other = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--trust', host.peerId.toString()] });
      return AgentClient.connect(host, multiaddr(other.addr));
    },
    close: async () => {
      await client.close();
      await host.stop();
    },
  };
}
