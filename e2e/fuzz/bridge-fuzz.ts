/**
 * Fuzzing `claudecluster ui`'s BridgeApi WebSocket, with the right token and origin: frames of
 * every kind down one socket, each of which must be answered with a JSON-RPC response (error or
 * result); then the frames a socket cannot survive (text that is not UTF-8, a message over the
 * cap, a socket cut mid-frame) on sockets of their own, after which the server must still serve.
 */
import { WebSocket } from 'ws';
import { z } from 'zod';
import { BridgeContract } from '../../shared/bridge/contract.js';
import { RpcNotification, RpcResponse } from '../../shared/protocol/jsonrpc.js';
import { MAX_BRIDGE_MESSAGE_BYTES } from '../../main/ui/server.js';
import type { FrameGenerator } from './frames.js';
import type { Tally } from './tally.js';
import { ANSWER_DEADLINE_MS } from './wire.js';

const Answer = z.union([RpcResponse, RpcNotification]);
/** Messages on their way before the sender waits for answers. */
const WINDOW = 32;

export function openBridge(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin, maxPayload: 64 * 1024 * 1024 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`bridge refused: HTTP ${res.statusCode}`)));
  });
}

/** One socket, `frames` fuzzed messages, every one answered. */
export async function fuzzBridge(url: string, origin: string, gen: FrameGenerator, tally: Tally, frames: number): Promise<void> {
  const ws = await openBridge(url, origin);
  tally.cases++;
  let sent = 0;
  let answered = 0;
  let broken = '';
  let wake: (() => void) | undefined;
  let idle = setTimeout(() => undefined, 0);
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => { if (answered < sent) { broken ||= `no answer within ${ANSWER_DEADLINE_MS} ms`; wake?.(); } }, ANSWER_DEADLINE_MS);
  };
  ws.on('message', (data, isBinary) => {
    let raw: unknown;
    try {
      raw = isBinary ? undefined : JSON.parse(String(data));
    } catch {
      raw = undefined;
    }
    const a = Answer.safeParse(raw);
    if (!a.success) broken ||= `malformed answer: ${String(data).slice(0, 200)}`;
    else if ('method' in a.data) {
      const schema = Object.hasOwn(BridgeContract.notifications, a.data.method) ? BridgeContract.notifications[a.data.method as keyof typeof BridgeContract.notifications] : undefined;
      if (!schema?.safeParse(a.data.params).success) tally.problem(`notification not in the contract: ${String(data).slice(0, 200)}`);
    } else {
      answered++;
      if ('error' in a.data) tally.errors++;
      else tally.oks++;
      arm();
    }
    wake?.();
  });
  ws.on('close', (code) => { broken ||= `the server closed the socket (${code}) with ${sent - answered} unanswered`; wake?.(); });
  const until = async (cond: () => boolean): Promise<void> => {
    while (!cond() && !broken) await new Promise<void>((r) => { wake = r; });
  };
  while (tally.frames < frames && !broken) {
    await until(() => sent - answered < WINDOW);
    const b = gen.body();
    tally.sent(b.kind, 1);
    sent++;
    arm();
    // Bytes that are not UTF-8 go as a binary message: as text, the WebSocket layer itself closes the socket.
    if (typeof b.body === 'string') ws.send(b.body);
    else ws.send(b.body, { binary: true });
  }
  await until(() => answered >= sent);
  clearTimeout(idle);
  if (broken && !(broken.startsWith('the server closed') && answered >= sent)) tally.problem(`${broken} (${answered}/${sent} answered)`);
  ws.terminate();
}

/** Sockets the server must close (or may drop) without harm to others; resolves with close codes. */
export async function breakBridge(url: string, origin: string, tally: Tally): Promise<number[]> {
  const cases: Array<[string, (ws: WebSocket) => void]> = [
    ['text-not-utf8', (ws) => ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })],
    ['over-max-payload', (ws) => ws.send('x'.repeat(MAX_BRIDGE_MESSAGE_BYTES + 1))],
    ['cut-mid-frame', (ws) => { (ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.from([0x81, 0xfe, 0x10])); ws.terminate(); }],
  ];
  const codes: number[] = [];
  for (const [kind, act] of cases) {
    const ws = await openBridge(url, origin);
    tally.cases++;
    tally.sent(kind, 1);
    const closed = new Promise<number>((resolve) => {
      const t = setTimeout(() => resolve(-1), ANSWER_DEADLINE_MS);
      ws.once('close', (code) => { clearTimeout(t); resolve(code); });
    });
    act(ws);
    const code = await closed;
    if (code === -1) tally.problem(`${kind}: the socket was neither answered nor closed`);
    else {
      tally.dropped++;
      codes.push(code);
    }
  }
  return codes;
}
