/**
 * Valid messages of every protocol, checked against their zod contracts when built, so the
 * fuzzer's mutations start from what a real peer would send.
 */
import { controlContract } from '../../shared/protocol/control.js';
import { TermInput, TermOpen } from '../../shared/protocol/term.js';
import { BlobRequest } from '../../shared/protocol/blob.js';
import { PairRequest } from '../../shared/protocol/pair.js';
import { BridgeContract } from '../../shared/bridge/contract.js';
import type { RpcContract } from '../../shared/protocol/rpc-endpoint.js';
import type { z } from 'zod';
import type { Rng } from './prng.js';
import type { Json } from './values.js';

export interface TaskTarget { runId: string; taskId: string }

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(0, 15)];
  return s;
}

function checked(schema: z.ZodType, value: Json): Json {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`fuzz sample does not match its contract: ${JSON.stringify(value).slice(0, 200)}`);
  return value;
}

function request<C extends RpcContract>(contract: C, method: keyof C['requests'] & string, params: Json, id: number): Json {
  checked(contract.requests[method]!.params, params);
  return { jsonrpc: '2.0', id, method, params };
}

/**
 * Control requests. Task refs and commits are made up (never a real task or base): a mutation
 * that stays valid is then refused by the agent rather than starting or cancelling real work.
 */
export function controlSamples(rng: Rng): Json[] {
  const ref = { runId: 'fz-run', taskId: `fz-${rng.int(0, 99)}` };
  const spec = {
    ...ref, title: 'Fuzz task', prompt: 'Write hello.txt', repoId: hex(rng, 64), base: hex(rng, 40),
    session: { mode: 'tui', permissionMode: 'acceptEdits', maxTurns: 3, allowedTools: ['Read'] }, verify: 'true', verifyRetries: 1,
  };
  return [
    request(controlContract, 'agent.info', {}, 1),
    request(controlContract, 'task.start', spec, 2),
    request(controlContract, 'repo.tips', { repoId: hex(rng, 64) }, 3),
    request(controlContract, 'repo.apply', { repoId: hex(rng, 64), blob: hex(rng, 64), commit: hex(rng, 40) }, 4),
    request(controlContract, 'task.cancel', ref, 5),
    request(controlContract, 'task.close', ref, 6),
    request(controlContract, 'task.followUp', { ...ref, text: 'again' }, 7),
    request(controlContract, 'task.list', { runId: 'fz-run' }, 8),
  ];
}

/** Method names a contract does not have, some close to real ones. */
export function unknownMethod(rng: Rng, known: readonly string[]): string {
  return rng.pick([
    `${rng.pick(known)}x`, rng.pick(known).toUpperCase(), 'rpc.discover', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', 'task.*', `${rng.pick(known)}\u0000`,
  ]);
}

/**
 * Control methods the fuzzer calls with random params. Not `driver.unpair`: its params are `{}`,
 * which random params often are, and a valid call unpairs the fuzzing driver itself, by design.
 */
export const CONTROL_METHODS = Object.keys(controlContract.requests).filter((m) => m !== 'driver.unpair');
export const BRIDGE_METHODS = Object.keys(BridgeContract.requests);

/** Term headers: the real task (a live stream), and made-up ones. */
export function termHeaders(rng: Rng, task: TaskTarget): Json[] {
  return [
    checked(TermOpen, { ...task, offset: 0 }),
    checked(TermOpen, { ...task, offset: rng.int(1, 64) }),
    checked(TermOpen, { runId: 'fz-run', taskId: 'nope', offset: 0 }),
  ];
}

/** Input frames for an attached terminal. */
export function termInputs(): Json[] {
  return [checked(TermInput, { type: 'input', data: 'hello' }), checked(TermInput, { type: 'resize', cols: 80, rows: 24 })];
}

/** Blob headers: a get of the blob the test uploaded, and a put of a made-up one. */
export function blobHeaders(rng: Rng, known: { sha256: string; size: number }): Json[] {
  return [
    checked(BlobRequest, { op: 'get', sha256: known.sha256, offset: 0 }),
    checked(BlobRequest, { op: 'get', sha256: known.sha256, offset: known.size }),
    checked(BlobRequest, { op: 'get', sha256: hex(rng, 64), offset: 0 }),
    checked(BlobRequest, { op: 'put', sha256: hex(rng, 64), size: rng.int(0, 4096) }),
    checked(BlobRequest, { op: 'put', sha256: known.sha256, size: known.size }),
  ];
}

/** Pairing requests, always with a wrong code (a right one is a 1 in 31^8 chance). */
export function pairRequests(): Json[] {
  return [checked(PairRequest, { code: 'ABCD-EFGH', name: 'fuzzer' }), checked(PairRequest, { code: '2345abcd', name: '' })];
}

/**
 * Bridge requests: only methods that change nothing outside the fuzz's own data dir when a
 * mutation happens to stay valid (no run.start, goal.plan, agents.pair or settings.set).
 */
export function bridgeSamples(): Json[] {
  const ref = { runId: 'fz-run', taskId: 'fz-task' };
  const goal = { name: 'goal.md', text: '# Goal\n\n## Tasks\n- one: Do it\n' };
  return [
    request(BridgeContract, 'app.info', {}, 1),
    request(BridgeContract, 'agents.list', {}, 2),
    request(BridgeContract, 'runs.list', {}, 3),
    request(BridgeContract, 'settings.get', {}, 4),
    request(BridgeContract, 'goal.check', goal, 5),
    request(BridgeContract, 'run.get', { runId: 'fz-run' }, 6),
    request(BridgeContract, 'task.detail', ref, 7),
    request(BridgeContract, 'task.input', { ...ref, data: 'x' }, 8),
    request(BridgeContract, 'term.attach', ref, 9),
    request(BridgeContract, 'term.ack', { ...ref, chars: 10 }, 10),
    request(BridgeContract, 'term.detach', ref, 12),
    request(BridgeContract, 'run.pullRequest', { runId: 'fz-run' }, 13),
    request(BridgeContract, 'task.log', ref, 11),
  ];
}
