/**
 * After the fuzz: the agent still serves its paired drivers (the control stream opened before the
 * fuzz still answers, a real run goes through the CLI to a merged branch), still refuses an
 * unpaired peer, still answers hooks; the ui's bridge still answers a valid call.
 * Returns what is broken (empty: all well).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { PROTOCOL } from '../../shared/constants.js';
import { FramedStream } from '../../shared/node/frames.js';
import { PairReply } from '../../shared/protocol/pair.js';
import { AppInfo } from '../../shared/bridge/contract.js';
import { AgentClient } from '../../main/driver/agent-client.js';
import { git, makeRepo, pairWith, runCli, type Scope } from '../harness.js';
import { nodeBridge, type UiProcess } from '../ui/ui-process.js';
import type { FuzzBed } from './setup.js';
import { NotPaired } from './protocols.js';

async function check(problems: string[], what: string, fn: () => Promise<boolean>): Promise<void> {
  try {
    if (!(await fn())) problems.push(what);
  } catch (err) {
    problems.push(`${what}: ${(err as Error).message}`);
  }
}

export async function stillServing(scope: Scope, b: FuzzBed, ui: UiProcess, tmp: string): Promise<string[]> {
  const problems: string[] = [];
  await check(problems, 'the control stream opened before the fuzz answers agent.info', async () =>
    (await b.client.rpc.request('agent.info', {})).peerId === b.agentPeer.toString());
  await check(problems, 'the live task is still listed and live', async () => {
    const { tasks } = await b.client.rpc.request('task.list', { runId: b.task.runId });
    return tasks.some((x) => x.taskId === b.task.taskId && x.state === 'working');
  });
  await check(problems, 'a new connection of the paired node answers agent.info', async () => {
    await b.paired.hangUp(b.agentPeer);
    const fresh = await AgentClient.connect(b.paired, multiaddr(b.agent.addr));
    const ok = (await fresh.rpc.request('agent.info', {})).slots === 2;
    await fresh.close();
    return ok;
  });
  await check(problems, 'an unpaired peer is still refused on control', async () => {
    await b.openPairing(); // so the connection is let in, and the protocol itself must refuse
    const framed = new FramedStream(await b.stranger.dialProtocol(multiaddr(b.agent.addr), PROTOCOL.control));
    await framed.write({ jsonrpc: '2.0', id: 1, method: 'agent.info', params: {} });
    return NotPaired.safeParse(await framed.readJson()).success;
  });
  await check(problems, 'pairing still refuses a wrong code', async () => {
    const framed = new FramedStream(await b.stranger.dialProtocol(multiaddr(b.agent.addr), PROTOCOL.pair));
    await framed.write({ code: 'WRONG-CODE', name: 'after fuzz' });
    // Wrong, or too many attempts just now (the fuzz made plenty): a refusal either way.
    return !PairReply.parse(await framed.readJson()).ok;
  });
  await check(problems, 'the hook door still answers a POST', async () => (await fetch(`${b.hookUrl}/Stop`, { method: 'POST', body: '{}' })).status === 200);
  await check(problems, 'the ui bridge answers app.info on a new socket', async () => {
    const bridge = await nodeBridge(ui);
    const ok = AppInfo.safeParse(await bridge.api.call('app.info', {})).success;
    bridge.close();
    return ok;
  });
  await check(problems, 'a real run completes through the CLI', async () => {
    const driverDir = join(tmp, 'cli-driver');
    await pairWith(scope, b.agent, driverDir, b.agentDir);
    const repo = await makeRepo(join(tmp, 'cli-repo'), { 'README.md': 'after fuzz\n' });
    const goal = join(tmp, 'goal.md');
    await writeFile(goal, '# After the fuzz\n\n## Tasks\n- one: Write a file\n  !write survived.txt yes\n');
    const r = await runCli(['run', goal, '--repo', repo, '--agent', b.agent.addr, '--data-dir', driverDir, '--no-mdns', '--json']);
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.slice(-1000)} ${r.stdout.slice(-1000)}`);
    const branch = (r.events.find((e) => e['type'] === 'run-finished') as { summary: { branch: string } }).summary.branch;
    return git(repo, 'show', `${branch}:survived.txt`) === 'yes';
  });
  return problems;
}
