/**
 * The fuzzer's frames: length-prefixed bodies that are bad in every way a peer can make them
 * (bad JSON, bad UTF-8, wrong types, unknown methods, wrong params, huge strings and arrays,
 * deep nesting, mutations of valid messages) and broken framing (random bytes, lengths over
 * MAX_FRAME_BYTES, overlong varints, truncated frames), all drawn from one seeded Rng.
 */
import { MAX_FRAME_BYTES } from '../../shared/constants.js';
import type { Rng } from './prng.js';
import { deepJsonText, hugeString, mutate, randomJson, randomString, type Json } from './values.js';
import { unknownMethod } from './samples.js';

const encoder = new TextEncoder();

/** A bound on generated bodies: big enough to test caps, well under MAX_FRAME_BYTES. */
const HUGE_BODY_CHARS = MAX_FRAME_BYTES - 64 * 1024;

export interface FuzzCase {
  /** What was generated, for the figures and for replaying a failure. */
  kind: string;
  /** Written in order, one write each. */
  chunks: Uint8Array[];
  /** Frames in `chunks` (raw junk counts as one). */
  frames: number;
  /** Every frame is complete and within the cap: the peer must read, and answer, each one. */
  framed: boolean;
  /** How the sender ends its side afterwards. */
  end: 'close' | 'reset';
}

/** An unsigned varint, for any length up to 2^53 (bit operators stop at 2^31). */
export function varint(n: number): Uint8Array {
  const out: number[] = [];
  for (let v = n; ; v = Math.floor(v / 128)) {
    if (v < 128) { out.push(v); break; }
    out.push((v % 128) | 128);
  }
  return Uint8Array.from(out);
}

export function frame(body: Uint8Array | string): Uint8Array {
  const b = typeof body === 'string' ? encoder.encode(body) : body;
  const p = varint(b.byteLength);
  const out = new Uint8Array(p.byteLength + b.byteLength);
  out.set(p, 0);
  out.set(b, p.byteLength);
  return out;
}

/** Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, surrogates, 0xff. */
const BAD_UTF8 = [[0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff], [0xfe, 0xff], [0xc3]];
const BAD_JSON = ['{', '}', '{"a":', '[1,2', 'nul', 'tru', 'NaN', 'Infinity', '-', '01', '1e', '"\\x"', "{'a':1}", '{"a":1,}', '[1,]', '"\u0001"', 'undefined', '{"a" 1}', '\u0000'];

export interface GeneratorOptions {
  /** Valid messages to mutate. */
  samples: Json[];
  /** JSON-RPC: the contract's methods, for unknown-method and wrong-params frames. */
  rpcMethods?: readonly string[];
}

export class FrameGenerator {
  private nextId = 1000;

  constructor(private readonly rng: Rng, private readonly opts: GeneratorOptions) {}

  /** One well-framed body (complete, under the cap): the peer must answer it. */
  body(): { kind: string; body: Uint8Array | string } {
    const rng = this.rng;
    const rpc = this.opts.rpcMethods;
    const kind = rng.weighted<string>([
      [3, 'bad-json'], [2, 'bad-utf8'], [1, 'empty'], [5, 'wrong-type'], [10, 'mutated'], [2, 'valid'],
      [rpc ? 4 : 0, 'rpc-unknown-method'], [rpc ? 5 : 0, 'rpc-wrong-params'], [rpc ? 4 : 0, 'rpc-bad-envelope'],
      [0.15, 'huge-string'], [0.15, 'huge-array'], [0.3, 'deep'], [1, 'many-keys'],
    ]);
    switch (kind) {
      case 'bad-json': {
        const good = JSON.stringify(this.sample());
        return { kind, body: rng.bool() ? rng.pick(BAD_JSON) : good.slice(0, rng.int(0, Math.max(0, good.length - 1))) + rng.pick(BAD_JSON) };
      }
      case 'bad-utf8': {
        const good = encoder.encode(JSON.stringify({ s: randomString(rng, 8) }));
        const at = rng.int(1, good.byteLength - 2);
        const bad = Uint8Array.from(rng.pick(BAD_UTF8));
        return { kind, body: Uint8Array.from([...good.subarray(0, at), ...bad, ...good.subarray(at)]) };
      }
      case 'empty': return { kind, body: '' };
      case 'wrong-type': return { kind, body: JSON.stringify(randomJson(rng)) };
      case 'mutated': return { kind, body: JSON.stringify(this.withId(mutate(rng, this.sample()))) ?? 'null' };
      case 'valid': return { kind, body: JSON.stringify(this.withId(this.sample())) };
      case 'rpc-unknown-method': return { kind, body: JSON.stringify({ jsonrpc: '2.0', id: this.id(), method: unknownMethod(rng, rpc!), params: randomJson(rng, 2) }) };
      case 'rpc-wrong-params': return { kind, body: JSON.stringify({ jsonrpc: '2.0', id: this.id(), method: rng.pick(rpc!), params: randomJson(rng, 2) }) };
      case 'rpc-bad-envelope': return { kind, body: JSON.stringify(this.badEnvelope()) };
      case 'huge-string': {
        const s = hugeString(rng, rng.int(64 * 1024, HUGE_BODY_CHARS));
        const base = this.sample();
        return { kind, body: JSON.stringify(rpc ? { ...(base as object), params: { text: s } } : { ...(base as object), [rng.pick(Object.keys(base as object))]: s }) };
      }
      case 'huge-array': {
        const n = rng.int(10_000, Math.floor(HUGE_BODY_CHARS / 2) - 16);
        const arr = `[${'0,'.repeat(n - 1)}0]`;
        return { kind, body: rpc ? `{"jsonrpc":"2.0","id":${this.id()},"method":"${rng.pick(rpc)}","params":${arr}}` : arr };
      }
      case 'deep': {
        const nested = deepJsonText(rng, rng.int(100, Math.floor(HUGE_BODY_CHARS / 8)));
        return { kind, body: rpc && rng.bool() ? `{"jsonrpc":"2.0","id":${this.id()},"method":"${rng.pick(rpc)}","params":${nested}}` : nested };
      }
      default: {
        // Thousands of distinct keys: a strict schema lists them back in its error.
        const keys = Array.from({ length: rng.int(100, 5000) }, (_, i) => `"${i}${'k'.repeat(rng.int(1, 200))}":0`).join(',');
        return { kind: 'many-keys', body: rpc ? `{"jsonrpc":"2.0","id":${this.id()},"method":"${rng.pick(rpc)}","params":{${keys}}}` : `{${keys}}` };
      }
    }
  }

  /** A case for its own stream: well-framed frames, or broken framing, then close or reset. */
  next(maxFrames = 1): FuzzCase {
    const rng = this.rng;
    const end = rng.bool(0.85) ? 'close' : 'reset';
    const kind = rng.weighted<string>([[80, 'framed'], [4, 'split'], [4, 'random-bytes'], [3, 'huge-length'], [2, 'bad-varint'], [7, 'truncated']]);
    if (kind === 'framed' || kind === 'split') {
      const bodies = Array.from({ length: rng.int(1, maxFrames) }, () => this.body());
      const bytes = bodies.map((b) => frame(b.body));
      const chunks = kind === 'split' ? bytes.flatMap((b) => splitBytes(rng, b)) : bytes;
      return { kind: kind === 'split' ? `split/${bodies[0]!.kind}` : bodies[0]!.kind, chunks, frames: bodies.length, framed: end === 'close', end };
    }
    if (kind === 'random-bytes') return { kind, chunks: [rng.bytes(rng.int(1, 2048))], frames: 1, framed: false, end };
    if (kind === 'huge-length') {
      const claimed = rng.pick([MAX_FRAME_BYTES + 1, MAX_FRAME_BYTES * 2, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1]);
      return { kind, chunks: [varint(claimed), rng.bytes(rng.int(0, 4096))], frames: 1, framed: false, end };
    }
    if (kind === 'bad-varint') return { kind, chunks: [Uint8Array.from([...new Array<number>(rng.int(9, 16)).fill(0xff), 0x01])], frames: 1, framed: false, end };
    const whole = frame(this.body().body);
    return { kind, chunks: [whole.subarray(0, rng.int(0, whole.byteLength - 1))], frames: 1, framed: false, end };
  }

  /** An independent Rng derived from this generator's seed and `label`. */
  fork(label: string): Rng {
    return this.rng.fork(label);
  }

  private sample(): Json {
    return this.rng.pick(this.opts.samples);
  }

  private id(): number | string {
    return this.rng.bool(0.8) ? this.nextId++ : `s${this.nextId++}`;
  }

  /** Requests get a fresh id so each answer can be told apart. */
  private withId(v: Json): Json {
    if (!this.opts.rpcMethods || !v || typeof v !== 'object' || Array.isArray(v) || !('id' in v)) return v;
    return { ...v, id: this.id() };
  }

  private badEnvelope(): Json {
    const rng = this.rng;
    const base: Record<string, Json> = { jsonrpc: '2.0', id: this.id(), method: rng.pick(this.opts.rpcMethods!), params: {} };
    const bad = rng.pick(['jsonrpc', 'id', 'method', 'params', 'extra', 'no-id', 'batch', 'response'] as const);
    if (bad === 'no-id') delete base['id'];
    else if (bad === 'extra') base[randomString(rng, 8) || 'x'] = randomJson(rng, 1);
    else if (bad === 'batch') return [base, base];
    else if (bad === 'response') return { jsonrpc: '2.0', id: this.id(), result: randomJson(rng, 2) };
    else base[bad] = rng.pick<Json>([null, 1.5, -1, '1.0', [], {}, true, hugeString(rng, 100), { nested: 1 }]);
    return base;
  }
}

/** `bytes` in 2–8 pieces: a frame that arrives a little at a time. */
function splitBytes(rng: Rng, bytes: Uint8Array): Uint8Array[] {
  const cuts = Array.from({ length: rng.int(1, 7) }, () => rng.int(1, Math.max(1, bytes.byteLength - 1))).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of [...cuts, bytes.byteLength]) {
    if (c > at) out.push(bytes.subarray(at, c));
    at = Math.max(at, c);
  }
  return out;
}
