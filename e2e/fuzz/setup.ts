/**
 * What the fuzz test fuzzes: a real agent process on loopback (no mDNS) with a test libp2p node
 * paired to it through the real pairing protocol, a repo synced and one live task (a session
 * waiting on a file, so its terminal takes input), a blob it holds, and an unpaired node let in
 * by an open pairing window.
 */
import { join } from 'node:path';
import { writeFile, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { multiaddr } from '@multiformats/multiaddr';
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { PeerId } from '@libp2p/interface';
import { PROTOCOL } from '../../shared/constants.js';
import { createHost, type Host } from '../../shared/node/host.js';
import { FramedStream } from '../../shared/node/frames.js';
import { sha256File } from '../../shared/node/hash.js';
import { PairReply } from '../../shared/protocol/pair.js';
import type { TaskStateEvent } from '../../shared/protocol/control.js';
import { AgentClient } from '../../main/driver/agent-client.js';
import { putBlob } from '../../main/driver/blob-client.js';
import { RepoSync } from '../../main/driver/sync.js';
import { UserRepo } from '../../main/driver/user-repo.js';
import { requestPairing } from '../../agent/local-control.js';
import { AgentPaths } from '../../agent/paths.js';
import { git, makeRepo, startAgent, waitFor, type AgentProc, type Scope } from '../harness.js';

export interface FuzzBed {
  agent: AgentProc;
  agentDir: string;
  agentPeer: PeerId;
  /** Paired through the pairing protocol: control, term and blob are open to it. */
  paired: Host;
  client: AgentClient;
  states: TaskStateEvent[];
  /** The live task the paired node owns. */
  task: { runId: string; taskId: string };
  /** A blob the agent holds. */
  blob: { sha256: string; size: number };
  /** Never paired; connected while a pairing window was open. */
  stranger: Host;
  /** Opens a (new) pairing window, as the machine's owner would. */
  openPairing(): Promise<string>;
  hookUrl: string;
  close(): Promise<void>;
}

async function pairOverProtocol(host: Host, addr: string, code: string): Promise<void> {
  const framed = new FramedStream(await host.dialProtocol(multiaddr(addr), PROTOCOL.pair));
  await framed.write({ code, name: 'fuzz driver' });
  const reply = await framed.read(PairReply);
  if (!reply.ok) throw new Error(`pairing failed: ${reply.error}`);
}

export async function fuzzBed(scope: Scope, tmp: string): Promise<FuzzBed> {
  const agentDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir: agentDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair', '--slots', '2'] });
  const openPairing = async (): Promise<string> => (await requestPairing(new AgentPaths(agentDir).socket)).code;
  const hosts: Host[] = [];
  const newHost = async (): Promise<Host> => {
    const h = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: [], mdns: false });
    hosts.push(h);
    return h;
  };

  const paired = await newHost();
  await pairOverProtocol(paired, agent.addr, String((await agent.waitEvent((e) => e['type'] === 'pairing'))['code']));
  const client = await AgentClient.connect(paired, multiaddr(agent.addr));
  const states: TaskStateEvent[] = [];
  client.rpc.on('task.state', (e) => states.push(e));

  const repoDir = await makeRepo(join(tmp, 'repo'), { 'README.md': 'fuzz\n' });
  const repo = await UserRepo.open(repoDir);
  const base = git(repoDir, 'rev-parse', 'HEAD');
  await new RepoSync(repo, tmp).ensure(client, base);
  const task = { runId: 'fz', taskId: 'live' };
  // The session waits on a file nobody writes: it stays live, taking the fuzzed terminal input.
  await client.rpc.request('task.start', { ...task, title: 'live', prompt: `!wait-for ${join(tmp, 'never')}`, repoId: repo.repoId, base, session: { mode: 'tui' } });
  await waitFor(() => states.some((e) => e.taskId === task.taskId && e.state === 'working'), 'the live task working');

  const blobFile = join(tmp, 'blob.bin');
  await writeFile(blobFile, randomBytes(3000));
  const blob = { sha256: await sha256File(blobFile), size: (await stat(blobFile)).size };
  await putBlob(client, blobFile, blob.sha256, blob.size);

  const stranger = await newHost();
  await openPairing();
  await stranger.dial(multiaddr(agent.addr));
  const listening = agent.events.find((e) => e['type'] === 'listening')!;
  return {
    agent, agentDir, agentPeer: client.peerId, paired, client, states, task, blob, stranger, openPairing,
    hookUrl: String(listening['hookUrl']),
    close: async () => {
      await client.close();
      await Promise.all(hosts.map((h) => h.stop()));
    },
  };
}
