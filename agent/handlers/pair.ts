/** `/claudecluster/pair/1.0.0`: the only protocol open to unknown peers, only while pairing. */
import type { Connection, Stream } from '@libp2p/interface';
import { FramedStream } from '../../shared/node/frames.js';
import { PairRequest, type PairReply } from '../../shared/protocol/pair.js';
import type { HandlerContext } from './context.js';

export async function handlePair(ctx: HandlerContext, stream: Stream, connection: Connection, agentName: string): Promise<void> {
  const peer = connection.remotePeer.toString();
  const framed = new FramedStream(stream);
  const reply = async (r: PairReply): Promise<void> => {
    await framed.write(r).catch(() => undefined);
    await stream.close().catch(() => undefined);
  };
  if (ctx.allowlist.has(peer)) return reply({ ok: true, agentName });
  if (!ctx.pairing.isOpen()) return reply({ ok: false, error: 'pairing is not open on this agent', attemptsLeft: 0 });
  let req: PairRequest;
  try {
    req = await framed.read(PairRequest);
  } catch {
    return reply({ ok: false, error: 'bad pairing request', attemptsLeft: 0 });
  }
  const attempt = ctx.pairing.attempt(req.code);
  if (!attempt.ok) {
    ctx.emit({ type: 'pair-failed', peerId: peer, attemptsLeft: attempt.attemptsLeft });
    const error = attempt.reason === 'closed' ? 'pairing is not open on this agent' : 'wrong pairing code';
    return reply({ ok: false, error, attemptsLeft: attempt.attemptsLeft });
  }
  await ctx.allowlist.add(peer, req.name || 'driver');
  ctx.emit({ type: 'paired', peerId: peer, name: req.name });
  return reply({ ok: true, agentName });
}
