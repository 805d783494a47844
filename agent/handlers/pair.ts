/** `/claudecluster/pair/1.0.0`: the only protocol open to unknown peers, only while pairing. */
import type { Connection, Stream } from '@libp2p/interface';
import { PROTOCOL } from '../../shared/constants.js';
import { FramedStream } from '../../shared/node/frames.js';
import { PairRequest, type PairReply } from '../../shared/protocol/pair.js';
import { describeRefusal } from '../trust.js';
import type { HandlerContext } from './context.js';

export async function handlePair(ctx: HandlerContext, stream: Stream, connection: Connection, agentName: string): Promise<void> {
  const peer = connection.remotePeer.toString();
  const framed = new FramedStream(stream);
  const reply = async (r: PairReply): Promise<void> => {
    await framed.write(r).catch(() => undefined);
    await stream.close().catch(() => undefined);
  };
  if (ctx.allowlist.has(peer)) return reply({ ok: true, agentName });
  if (!ctx.pairing.isOpen()) {
    ctx.emit({ type: 'refused', peerId: peer, protocol: PROTOCOL.pair });
    return reply({ ok: false, error: 'pairing is not open on this agent', attemptsLeft: 0 });
  }
  let req: PairRequest;
  try {
    req = await framed.read(PairRequest);
  } catch {
    return reply({ ok: false, error: 'bad pairing request', attemptsLeft: 0 });
  }
  const attempt = ctx.pairing.attempt(req.code, peer);
  if (!attempt.ok) {
    ctx.emit({ type: 'pair-failed', peerId: peer, attemptsLeft: attempt.attemptsLeft, reason: attempt.reason });
    const retry = attempt.reason === 'rate-limited' ? { retryAfterMs: attempt.retryAfterMs } : {};
    return reply({ ok: false, error: describeRefusal(attempt), attemptsLeft: attempt.attemptsLeft, ...retry });
  }
  await ctx.allowlist.add(peer, req.name || 'driver');
  ctx.emit({ type: 'paired', peerId: peer, name: req.name || 'driver' });
  return reply({ ok: true, agentName });
}
