/**
 * Fuzzing the agent's hook HTTP door over raw TCP (a well-behaved client could not send most of
 * this): random methods, paths and headers, wrong and missing secrets, bodies of random bytes,
 * JSON and over the cap, lengths that lie, truncated requests. Every request must get an HTTP
 * answer or a closed connection, never silence.
 */
import { createConnection } from 'node:net';
import { MAX_HOOK_MESSAGE_BYTES, HOOK_EVENTS, HOOK_SECRET_HEADER } from '../../agent/hooks/protocol.js';
import type { Rng } from './prng.js';
import type { Tally } from './tally.js';
import { randomJson, randomString } from './values.js';
import { ANSWER_DEADLINE_MS, pool } from './wire.js';

const METHODS = ['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'CONNECT', 'FOO', 'post', ''];

interface RawRequest { kind: string; head: string; body: Uint8Array; end: 'close' | 'destroy' }

function request(rng: Rng, port: number): RawRequest {
  const event = rng.pick([...HOOK_EVENTS, 'Nope', '', '../Stop', 'Stop/extra', 'a'.repeat(rng.int(1, 9000))]);
  const path = rng.weighted<string>([[6, `/hook/${event}`], [1, `/${randomString(rng, 30)}`], [1, '*'], [1, `/hook/Stop?${randomString(rng, 20)}`], [1, 'http://evil/hook/Stop']]);
  const kind = rng.weighted<string>([[4, 'json'], [2, 'random-bytes'], [1, 'huge'], [1, 'empty'], [2, 'lying-length'], [1, 'chunked'], [1, 'bad-headers']]);
  let body: Uint8Array = new Uint8Array(0);
  if (kind === 'json') body = Buffer.from(JSON.stringify(randomJson(rng, 4)) ?? 'null');
  if (kind === 'random-bytes') body = rng.bytes(rng.int(1, 4096));
  if (kind === 'huge') body = Buffer.alloc(MAX_HOOK_MESSAGE_BYTES + rng.int(1, 64 * 1024), 0x61);
  const headers = [`Host: 127.0.0.1:${port}`];
  if (rng.bool(0.7)) headers.push(`${HOOK_SECRET_HEADER}: ${rng.pick([randomString(rng, 64).replace(/[\r\n]/g, ''), 'a'.repeat(48), ''])}`);
  if (rng.bool(0.1)) headers.push(`${HOOK_SECRET_HEADER}: ${'b'.repeat(48)}`); // twice: an array in Node
  if (rng.bool(0.5)) headers.push(`Content-Type: ${rng.pick(['application/json', 'text/plain', randomString(rng, 20).replace(/[\r\n]/g, '')])}`);
  let end: RawRequest['end'] = rng.bool(0.9) ? 'close' : 'destroy';
  if (kind === 'lying-length') {
    // More promised than sent: the server waits for the rest until we hang up.
    headers.push(`Content-Length: ${body.byteLength + rng.int(1, 10_000)}`);
    end = 'close';
  } else if (kind === 'chunked') {
    headers.push('Transfer-Encoding: chunked');
    body = Buffer.from(rng.bool() ? `${rng.int(0, 50).toString(16)}\r\n${randomString(rng, 30)}\r\n0\r\n\r\n` : `zz\r\n${randomString(rng, 10)}`);
  } else if (kind === 'bad-headers') {
    headers.push(rng.pick([`X-${'h'.repeat(20_000)}: 1`, 'No colon here', `Content-Length: -5`, `Content-Length: 1, 2`, `X: ${'\u0000'}bad`, ': empty-name']));
  } else headers.push(`Content-Length: ${body.byteLength}`);
  const head = `${rng.pick(METHODS)} ${path} HTTP/1.${rng.pick(['1', '1', '0', '9'])}\r\n${headers.join('\r\n')}\r\n\r\n`;
  return { kind, head, body, end };
}

/** Sends one raw request; the status code, 'closed', or 'timeout'. */
function send(port: number, r: RawRequest): Promise<number | 'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let got = '';
    let settled = false;
    const done = (v: number | 'closed' | 'timeout'): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('timeout'), ANSWER_DEADLINE_MS);
    sock.on('connect', () => {
      sock.write(r.head);
      sock.write(r.body, () => {
        if (r.end === 'destroy') done('closed');
        else sock.end();
      });
    });
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      got += d;
      const m = /^HTTP\/1\.[01] (\d{3}) /.exec(got);
      if (m) done(Number(m[1]));
      else if (got.length > 64 || !'HTTP/1.1 '.startsWith(got.slice(0, 9))) done(-1);
    });
    sock.on('error', () => done('closed'));
    sock.on('close', () => done('closed'));
  });
}

/** `requests` fuzzed requests, 8 at a time. */
export async function fuzzHooks(rng: Rng, port: number, tally: Tally, requests: number): Promise<void> {
  const all = Array.from({ length: requests }, () => request(rng, port));
  await pool(all, 8, async (r) => {
    tally.cases++;
    tally.sent(r.kind, 1);
    const res = await send(port, r);
    if (res === 'timeout') tally.problem(`${r.kind}: no answer and no close within ${ANSWER_DEADLINE_MS} ms: ${r.head.slice(0, 120)}`);
    else if (res === 'closed') tally.dropped++;
    else if (res === -1) tally.problem(`${r.kind}: not an HTTP answer`);
    else if (res >= 500) tally.problem(`${r.kind}: server error ${res}: ${r.head.slice(0, 120)}`);
    else if (res === 200) tally.oks++;
    else tally.errors++;
  });
}
