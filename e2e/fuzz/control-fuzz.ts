/**
 * Fuzzing a JSON-RPC stream (the agent's control protocol). Whole frames go down one long-lived
 * stream, pipelined: the server must answer every one of them with a JSON-RPC response (an error
 * object, or a result), in the contract's shape, and keep the stream open. Broken framing goes
 * on short streams of its own: answered or dropped, never hung.
 */
import { z } from 'zod';
import type { Stream } from '@libp2p/interface';
import { RPC_ERROR, RpcNotification, RpcResponse } from '../../shared/protocol/jsonrpc.js';
import type { RpcContract } from '../../shared/protocol/rpc-endpoint.js';
import { sendAll } from '../../shared/node/stream-io.js';
import { frame, type FrameGenerator } from './frames.js';
import type { Tally } from './tally.js';
import type { HeaderProtocol, Target } from './stream-fuzz.js';
import { runCase } from './stream-fuzz.js';
import { ANSWER_DEADLINE_MS, Inbox, open } from './wire.js';

/** Frames on their way before the writer waits for answers (the server reads one at a time). */
const WINDOW = 32;
/** Share of cases with broken framing, each on a short stream of its own. */
const BROKEN_SHARE = 0.05;
const KNOWN_CODES: ReadonlySet<number> = new Set(Object.values(RPC_ERROR));

const Answer = z.union([RpcResponse, RpcNotification]);

/** A JSON-RPC stream used for one case (broken framing, bursts): its first answer is checked. */
export const rpcShort: HeaderProtocol = {
  reply: Answer,
  isError: (m) => 'error' in (m as object),
};

/** Checks one message from the server: a response (counted) or a notification of the contract. */
function check(contract: RpcContract, msg: z.infer<typeof Answer>, tally: Tally): boolean {
  if ('method' in msg) {
    const schema = Object.hasOwn(contract.notifications, msg.method) ? contract.notifications[msg.method] : undefined;
    if (!schema?.safeParse(msg.params).success) tally.problem(`notification not in the contract: ${JSON.stringify(msg).slice(0, 200)}`);
    return false;
  }
  if ('error' in msg) {
    if (!KNOWN_CODES.has(msg.error.code)) tally.problem(`error with an unknown code: ${JSON.stringify(msg.error).slice(0, 200)}`);
    tally.errors++;
  } else tally.oks++;
  return true;
}

/** One long-lived stream: sends whole frames until `frames` are out, reading every answer. */
async function longStream(t: Target, contract: RpcContract, gen: FrameGenerator, tally: Tally, frames: number): Promise<void> {
  let stream: Stream;
  try {
    stream = await open(t.host, t.peer, t.protocol);
  } catch (err) {
    tally.problem(`could not open a stream: ${(err as Error).message}`);
    return;
  }
  tally.cases++;
  const inbox = new Inbox(stream);
  let sent = 0;
  let answered = 0;
  let broken = '';
  let wake: (() => void) | undefined;
  const reader = (async () => {
    for (;;) {
      const a = await inbox.frame(Answer, ANSWER_DEADLINE_MS);
      if (a.type === 'frame') {
        if (check(contract, a.value as z.infer<typeof Answer>, tally)) answered++;
        wake?.();
        continue;
      }
      if (a.type === 'timeout' && answered >= sent) continue; // idle: nothing was waiting for an answer
      if (a.type === 'malformed') broken = `malformed answer: ${a.why}`;
      else if (answered < sent) broken = a.type === 'end' ? 'the server ended the stream with frames unanswered' : `no answer within ${ANSWER_DEADLINE_MS} ms`;
      wake?.();
      return;
    }
  })();
  const until = async (cond: () => boolean): Promise<void> => {
    while (!cond() && !broken) await new Promise<void>((r) => { wake = r; });
  };
  try {
    while (tally.frames < frames && !broken) {
      await until(() => sent - answered < WINDOW);
      const b = gen.body();
      tally.sent(b.kind, 1);
      sent++;
      await sendAll(stream, frame(b.body));
    }
    await until(() => answered >= sent);
  } catch (err) {
    broken ||= `the stream failed while sending: ${(err as Error).message}`;
  }
  if (broken) tally.problem(`${broken} (${answered}/${sent} answered)`);
  await stream.close().catch(() => undefined);
  await reader;
  if (stream.status === 'open') stream.abort(new Error('fuzz: done'));
}

/**
 * Fuzzes a JSON-RPC protocol with `frames` frames: most down long streams (opened again if one
 * breaks, which is a problem), the rest as broken framing on short streams.
 */
export async function fuzzRpc(t: Target, contract: RpcContract, gen: FrameGenerator, tally: Tally, frames: number): Promise<void> {
  const short = async (): Promise<void> => {
    const brokenFrames = Math.ceil(frames * BROKEN_SHARE);
    let n = 0;
    while (n < brokenFrames) {
      const c = gen.next();
      if (c.framed) continue;
      n += c.frames;
      await runCase(t, rpcShort, c, tally);
    }
  };
  const long = async (): Promise<void> => {
    while (tally.frames < frames && tally.problems.length < 20) await longStream(t, contract, gen, tally, frames);
  };
  await Promise.all([short(), long()]);
}
