/** What each agent protocol answers, and how the fuzzer follows a success (see stream-fuzz.ts). */
import { z } from 'zod';
import { BlobDone, BlobReply } from '../../shared/protocol/blob.js';
import { PairReply } from '../../shared/protocol/pair.js';
import { TermOpened } from '../../shared/protocol/term.js';
import { FrameGenerator, frame, type FuzzCase } from './frames.js';
import type { HeaderProtocol } from './stream-fuzz.js';
import { inputFrame } from './stream-fuzz.js';
import { sendAll } from '../../shared/node/stream-io.js';
import { ANSWER_DEADLINE_MS } from './wire.js';
import type { Json } from './values.js';

const isFailure = (r: unknown): boolean => (r as { ok: boolean }).ok === false;

/** Pairing, fuzzed by a peer that is not paired: every answer is a refusal. */
export function pairProtocol(onClosedWindow: () => Promise<void>): HeaderProtocol {
  return {
    reply: PairReply,
    isError: isFailure,
    check: (r) => ((r as PairReply).ok ? 'a fuzzed frame paired an unknown peer' : undefined),
    // Wrong codes close the window after PAIRING_MAX_ATTEMPTS; the owner opens a new one.
    onReply: async (r) => {
      const reply = r as PairReply;
      if (!reply.ok && /not open/.test(reply.error)) await onClosedWindow();
    },
  };
}

/** Refusals of control, term and blob to an unpaired peer. */
export const NotPaired = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: z.null(), error: z.object({ code: z.literal(-32001), message: z.string().regex(/not paired/) }).strict() }).strict(),
  z.object({ ok: z.literal(false), error: z.string().regex(/not paired/) }).strict(),
]);

export function refusedProtocol(): HeaderProtocol {
  return { reply: NotPaired, isError: () => true };
}

/**
 * A terminal: a live one gets `inputs` fuzzed input frames, then a marker typed as plain input;
 * the marker's echo proves every earlier frame was read (frames are handled in order).
 */
export function termProtocol(inputSamples: Json[], inputs: { min: number; max: number }): HeaderProtocol {
  let markers = 0;
  return {
    reply: TermOpened,
    isError: isFailure,
    follow: async (_reply, stream, inbox, tally, rng) => {
      const gen = new FrameGenerator(rng, { samples: inputSamples });
      const n = rng.int(inputs.min, inputs.max);
      try {
        for (let i = 0; i < n; i++) {
          const f = inputFrame(gen);
          tally.sent(f.kind, 1);
          await sendAll(stream, f.bytes);
        }
        const marker = `FZ${rng.seed.toString(36)}Q${++markers}Z`;
        await sendAll(stream, frame(JSON.stringify({ type: 'input', data: marker })));
        tally.sent('input/marker', 1);
        if (!(await inbox.text((t) => t.includes(marker), ANSWER_DEADLINE_MS))) tally.problem(`term: input marker ${marker} not echoed: input frames stopped being read; last output ${inbox.tail()}`);
        // Broken framing on a live terminal: the input reader stops, the stream is dropped.
        const c: FuzzCase = gen.next();
        if (!c.framed && rng.bool(0.5)) {
          tally.sent(`input/${c.kind}`, c.frames);
          for (const chunk of c.chunks) await sendAll(stream, chunk);
        }
      } catch (err) {
        tally.problem(`term: the live stream failed while typing: ${(err as Error).message}`);
      }
      stream.abort(new Error('fuzz: done typing'));
    },
  };
}

/** Blob: an accepted upload gets fuzzed bytes and must end with BlobDone; a download must end. */
export function blobProtocol(): HeaderProtocol {
  return {
    reply: BlobReply,
    isError: isFailure,
    follow: async (reply, stream, inbox, tally, rng) => {
      if ('offset' in (reply as object)) {
        const bytes = rng.bytes(rng.pick([0, 1, 100, rng.int(0, 8192)]));
        tally.sent('upload-bytes', 1);
        try {
          if (bytes.byteLength > 0) await sendAll(stream, bytes);
          await stream.close();
        } catch {
          // The agent may already have finished (it had the whole blob) and closed.
        }
        const done = await inbox.frame(BlobDone);
        if (done.type === 'frame') {
          if (isFailure(done.value)) tally.errors++;
          else tally.oks++;
        } else tally.problem(`blob: upload not concluded with BlobDone: ${done.type === 'malformed' ? done.why : done.type}`);
      } else {
        await stream.close().catch(() => undefined);
        if (!(await inbox.ends())) tally.problem('blob: a download did not end');
      }
    },
  };
}
