/**
 * Fuzzing the one-header protocols (pair, term, blob): each case on its own stream. A frame
 * that arrives whole must be answered with the protocol's reply (an error, or a real answer that
 * is then followed through: a live terminal takes fuzzed input, an accepted upload takes bytes);
 * broken framing may be answered or dropped; nothing may hang.
 */
import type { PeerId, Stream } from '@libp2p/interface';
import type { z } from 'zod';
import type { Host } from '../../shared/node/host.js';
import { frame, type FrameGenerator, type FuzzCase } from './frames.js';
import type { Rng } from './prng.js';
import type { Tally } from './tally.js';
import { ANSWER_DEADLINE_MS, Inbox, endCase, open, pool, writeCase } from './wire.js';

export interface Target {
  host: Host;
  peer: PeerId;
  protocol: string;
}

/** What a protocol's runner does with an answer. */
export interface HeaderProtocol {
  /** The protocol's reply frame. */
  reply: z.ZodType;
  /** Whether a reply is an error (else a success). */
  isError(reply: unknown): boolean;
  /** A success that opens more of the protocol (a live terminal, an upload): follow it. */
  follow?(reply: unknown, stream: Stream, inbox: Inbox, tally: Tally, rng: Rng): Promise<void>;
  /** Problems with a reply the schema cannot see (an unpaired peer let in). */
  check?(reply: unknown): string | undefined;
  /** Told of every reply (pairing reopens its window here). */
  onReply?(reply: unknown): Promise<void>;
}

/** Closes our side, or resets if the server does not let it close. */
async function finish(stream: Stream): Promise<void> {
  if (stream.status !== 'open') return;
  const t = setTimeout(() => stream.abort(new Error('fuzz: done')), ANSWER_DEADLINE_MS);
  await stream.close().catch(() => stream.abort(new Error('fuzz: done')));
  clearTimeout(t);
}

/** Runs one case; `rng` (the case's own, so replays do not depend on timing) drives what follows a success. */
export async function runCase(t: Target, p: HeaderProtocol, c: FuzzCase, tally: Tally, rng?: Rng): Promise<void> {
  tally.cases++;
  tally.sent(c.kind, c.frames);
  let stream: Stream;
  try {
    stream = await open(t.host, t.peer, t.protocol);
  } catch (err) {
    tally.problem(`${c.kind}: could not open a stream: ${(err as Error).message}`);
    return;
  }
  const inbox = new Inbox(stream);
  const wrote = await writeCase(stream, c);
  if (c.end === 'reset') {
    await endCase(stream, c);
    tally.dropped++;
    return;
  }
  // A whole frame must be answered as it is; broken framing is answered once the server sees the end.
  if (!c.framed || !wrote) await endCase(stream, c);
  const a = await inbox.frame(p.reply);
  if (a.type === 'timeout') tally.problem(`${c.kind}: no answer and no end within ${ANSWER_DEADLINE_MS} ms`);
  else if (a.type === 'malformed') tally.problem(`${c.kind}: malformed answer: ${a.why}`);
  else if (a.type === 'end') {
    if (c.framed && wrote) tally.problem(`${c.kind}: a whole frame went unanswered`);
    else tally.dropped++;
  } else {
    await p.onReply?.(a.value);
    const wrong = p.check?.(a.value);
    if (wrong) tally.problem(`${c.kind}: ${wrong}`);
    if (p.isError(a.value)) {
      tally.errors++;
      await finish(stream);
      if (!(await inbox.ends())) tally.problem(`${c.kind}: the server answered an error but kept the stream open`);
    } else {
      tally.oks++;
      if (rng) await p.follow?.(a.value, stream, inbox, tally, rng);
    }
  }
  if (stream.status === 'open') stream.abort(new Error('fuzz: done'));
}

/**
 * Cases until `frames` frames are out, `concurrency` streams at a time. The cases come in an order
 * the seed fixes (and each has its own Rng for what follows), whichever stream finishes first.
 */
export async function fuzzStreams(t: Target, p: HeaderProtocol, gen: FrameGenerator, tally: Tally, opts: { frames: number; concurrency: number }): Promise<void> {
  function* cases(): Generator<[FuzzCase, Rng]> {
    for (let i = 0; tally.frames < opts.frames; i++) yield [gen.next(), gen.fork(`case-${i}`)];
  }
  await pool(cases(), opts.concurrency, ([c, rng]) => runCase(t, p, c, tally, rng));
}

/**
 * Many streams at once, past the agent's per-connection limit: those over it are reset by
 * libp2p, the rest answered; none may hang.
 */
export async function burst(t: Target, p: HeaderProtocol, gen: FrameGenerator, tally: Tally, streams: number): Promise<void> {
  const cases = Array.from({ length: streams }, () => gen.next());
  await Promise.all(cases.map(async (c) => {
    // Over the limit, a stream may be reset before or after a whole frame went out: both are fine.
    const loose = { ...c, framed: false, kind: `burst/${c.kind}` };
    await runCase(t, p, loose, tally);
  }));
}

/** Bytes of one fuzzed input frame, Ctrl-C replaced (JSON always escapes it as \u0003). */
export function inputFrame(gen: FrameGenerator): { kind: string; bytes: Uint8Array } {
  const { kind, body } = gen.body();
  const safe = typeof body === 'string' ? body.replaceAll('\\u0003', '\\u0004') : body;
  return { kind: `input/${kind}`, bytes: frame(safe) };
}
