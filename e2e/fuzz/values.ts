/**
 * Random JSON values and mutations of valid ones: the payloads the fuzzer frames. Everything
 * here is plain data; `frames.ts` turns it into bytes.
 */
import type { Rng } from './prng.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Characters that tend to break parsers: quotes, escapes, controls, RTL, emoji, lone surrogates. */
const NASTY = ['"', '\\', '\u0000', '\n', '\r', '\t', '\u2028', '\u202e', '\ud83d\ude00', '\ud800', '\udfff', '%s', '../', '$(', '`', '\u00ff', '\ufeff', '{', ']'];
const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'jsonrpc', 'id', 'method', 'params', 'result', 'error', 'op', 'ok', 'runId', 'taskId', 'offset', 'size', 'sha256', 'code', 'name', 'type', 'data', ''];
/** Numbers at the edges: what a length, offset or id check must survive. */
const EDGE_NUMBERS = [0, -0, -1, 1, 0.5, -0.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, 4 * 1024 ** 3, 4 * 1024 ** 3 + 1];

export function randomString(rng: Rng, max = 40): string {
  const n = rng.int(0, max);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += rng.weighted<() => string>([
      [6, () => String.fromCharCode(rng.int(0x20, 0x7e))],
      [2, () => rng.pick(NASTY)],
      [1, () => String.fromCharCode(rng.int(0, 0xffff))],
    ])();
  }
  return s;
}

export function randomNumber(rng: Rng): number {
  return rng.weighted<() => number>([
    [3, () => rng.pick(EDGE_NUMBERS)],
    [2, () => rng.int(-1000, 1000)],
    [1, () => (rng.float() - 0.5) * 10 ** rng.int(0, 300)],
  ])();
}

/** Any JSON value, up to `depth` levels of arrays and objects. */
export function randomJson(rng: Rng, depth = 3): Json {
  const leaf = depth <= 0;
  return rng.weighted<() => Json>([
    [1, () => null],
    [1, () => rng.bool()],
    [2, () => randomNumber(rng)],
    [3, () => randomString(rng)],
    [leaf ? 0 : 2, () => Array.from({ length: rng.int(0, 5) }, () => randomJson(rng, depth - 1))],
    [leaf ? 0 : 3, () => Object.fromEntries(Array.from({ length: rng.int(0, 5) }, () => [rng.bool(0.6) ? rng.pick(KEYS) : randomString(rng, 12), randomJson(rng, depth - 1)]))],
  ])();
}

/** A string of `n` characters (n can be close to the frame cap). */
export function hugeString(rng: Rng, n: number): string {
  return String.fromCharCode(rng.int(0x61, 0x7a)).repeat(n);
}

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` times. */
export function deepJsonText(rng: Rng, depth: number): string {
  return rng.bool() ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A value a field should not have: another type, or the right type out of range. */
export function wrongValue(rng: Rng, like: Json): Json {
  return rng.weighted<() => Json>([
    [3, () => randomJson(rng, 1)],
    // JSON.stringify, not String(): an object with a "toString" key cannot be made a string.
    [1, () => (typeof like === 'string' ? like + randomString(rng, 8) : JSON.stringify(like) ?? 'null')],
    [1, () => (typeof like === 'string' ? hugeString(rng, rng.int(65, 5000)) : like)],
    [1, () => (typeof like === 'number' ? rng.pick(EDGE_NUMBERS) : -1)],
    [1, () => (typeof like === 'string' ? '' : [])],
    [1, () => [like, like]],
    [1, () => ({ value: like })],
  ])();
}

function clone<T extends Json>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Every path to a value inside `v` (the root is []). */
function paths(v: Json, at: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function getAt(v: Json, path: Array<string | number>): Json {
  let cur: Json = v;
  for (const k of path) cur = (cur as Record<string | number, Json>)[k]!;
  return cur;
}

/** Sets an own key, even "__proto__" (a plain assignment to that would set the prototype). */
function setKey(target: Record<string | number, Json>, key: string | number, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A mutation of a valid message: one field changed to a wrong value, dropped, duplicated into an
 * unknown key, or an unknown key added; sometimes two mutations at once, sometimes none.
 */
export function mutate(rng: Rng, valid: Json): Json {
  const out = clone(valid);
  const rounds = rng.weighted([[1, 0], [6, 1], [2, 2], [1, 3]] as const);
  let root: Json = out;
  for (let r = 0; r < rounds; r++) {
    const path = rng.pick(paths(root));
    if (path.length === 0) {
      root = rng.bool(0.3) ? wrongValue(rng, root) : root;
      continue;
    }
    const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json>;
    const key = path[path.length - 1]!;
    const op = rng.pick(['wrong', 'wrong', 'drop', 'extra', 'rename'] as const);
    if (op === 'wrong') setKey(parent, key, wrongValue(rng, parent[key]!));
    else if (op === 'drop') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (op === 'extra' && !Array.isArray(parent)) {
      setKey(parent, rng.bool() ? rng.pick(KEYS) : randomString(rng, 10), randomJson(rng, 1));
    }
    else if (op === 'rename' && !Array.isArray(parent)) {
      setKey(parent, `${String(key)}${randomString(rng, 2)}`, parent[key]!);
      delete parent[key];
    }
  }
  return root;
}
