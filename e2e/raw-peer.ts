/**
 * A bare libp2p peer for trust tests: it speaks each protocol by hand (no driver code in the way),
 * so a test can see exactly what an agent answers a stranger, a revoked driver or a replayed code.
 * Also runs the agent's owner commands (`claudecluster-agent pair|unpair|drivers|audit`).
 */
import { spawn } from 'node:child_process';
import { multiaddr } from '@multiformats/multiaddr';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromString } from '@libp2p/peer-id';
import { PROTOCOL } from '../shared/constants.js';
import { createHost, type Host } from '../shared/node/host.js';
import { FramedStream } from '../shared/node/frames.js';
import { AGENT_BIN, type AgentProc, type Scope } from './harness.js';

export type Reply = Record<string, unknown>;

/** A peer with a fresh identity, listening nowhere; stopped by `stopAll`. */
export async function rawPeer(hosts: Host[]): Promise<Host> {
  const host = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: [], mdns: false });
  hosts.push(host);
  return host;
}

/** Opens `protocol` on the agent, sends `request`, returns the agent's first reply frame. */
export async function ask(host: Host, agent: AgentProc, protocol: string, request: unknown): Promise<Reply> {
  const stream = await host.dialProtocol(multiaddr(agent.addr), protocol);
  const framed = new FramedStream(stream);
  await framed.write(request);
  const reply = (await framed.readJson()) as Reply;
  await stream.close().catch(() => undefined); // the agent caps streams per connection
  return reply;
}

/** One request on each of control, term and blob, as a peer that is (or may be) unpaired. */
export async function askEveryProtocol(host: Host, agent: AgentProc): Promise<{ control: Reply; term: Reply; blob: Reply }> {
  return {
    control: await ask(host, agent, PROTOCOL.control, { jsonrpc: '2.0', id: 1, method: 'task.list', params: {} }),
    term: await ask(host, agent, PROTOCOL.term, { runId: 'r1', taskId: 'a', offset: 0 }),
    blob: await ask(host, agent, PROTOCOL.blob, { op: 'get', sha256: '0'.repeat(64), offset: 0 }),
  };
}

/** Pairs by hand: the pair protocol with `code`; the agent's reply. */
export function pairRaw(host: Host, agent: AgentProc, code: string, name = 'raw-driver'): Promise<Reply> {
  return ask(host, agent, PROTOCOL.pair, { code, name });
}

/** A JSON-RPC client on one control stream, request by request. */
export class RawControl {
  private nextId = 1;
  private constructor(private readonly framed: FramedStream) {}

  static async open(host: Host, agent: AgentProc): Promise<RawControl> {
    return new RawControl(new FramedStream(await host.dialProtocol(multiaddr(agent.addr), PROTOCOL.control)));
  }

  /** Sends a request and returns the response to it (notifications in between are skipped). */
  async request(method: string, params: unknown = {}): Promise<Reply> {
    const id = this.nextId++;
    await this.framed.write({ jsonrpc: '2.0', id, method, params });
    for (;;) {
      const msg = (await this.framed.readJson()) as Reply;
      if (msg['id'] === id) return msg;
    }
  }
}

/** The agent's connections as this peer sees them. */
export function connectionsTo(host: Host, agent: AgentProc): number {
  return host.getConnections(peerIdFromString(agent.peerId)).length;
}

export interface CmdResult { code: number | null; stdout: string; stderr: string; events: Reply[] }

/** Runs `claudecluster-agent ARGS` (an owner command) to completion. */
export function agentCmd(scope: Scope, args: string[]): Promise<CmdResult> {
  return new Promise((res, rej) => {
    const p = scope.track(spawn(process.execPath, [AGENT_BIN, ...args]));
    let stdout = '';
    let stderr = '';
    p.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    p.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('error', rej);
    p.on('close', (code) => {
      const events = stdout.split('\n').flatMap((l) => { try { return [JSON.parse(l) as Reply]; } catch { return []; } });
      res({ code, stdout, stderr, events });
    });
  });
}
