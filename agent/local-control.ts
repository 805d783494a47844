/**
 * A Unix socket in the agent's data dir (owner-only) through which the machine's owner talks to
 * the running agent: `claudecluster-agent pair` opens a pairing window, `claudecluster-agent
 * unpair PEERID` revokes a driver at once. One JSON request line, one JSON reply line.
 */
import { createServer, createConnection, type Server } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import { z } from 'zod';

const Request = z.discriminatedUnion('op', [
  z.object({ op: z.literal('pair') }).strict(),
  z.object({ op: z.literal('unpair'), peerId: z.string().min(1).max(128) }).strict(),
]);
type Request = z.infer<typeof Request>;

export const PairOpened = z.object({ code: z.string(), expiresAt: z.string(), fingerprint: z.string() }).strict();
export type PairOpened = z.infer<typeof PairOpened>;
export const Unpaired = z.object({ removed: z.boolean(), cancelled: z.number().int().nonnegative() }).strict();
export type Unpaired = z.infer<typeof Unpaired>;
const Failure = z.object({ error: z.string() }).strict();

/** What the socket can ask of the agent. */
export interface LocalOps {
  pair(): PairOpened;
  unpair(peerId: string): Promise<Unpaired>;
}

/** Largest request line accepted on the socket. */
const MAX_REQUEST_BYTES = 4096;

/** Another agent process is serving this data dir. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/** No agent answers on this data dir's socket. */
export class NoAgentError extends Error {
  override readonly name = 'NoAgentError';
}

export async function serveLocalControl(path: string, ops: LocalOps): Promise<Server> {
  if (await isAlive(path)) throw new DataDirInUseError('another claudecluster-agent is running with this data dir');
  // A socket file left by an agent that died: nobody answers on it, so it is safe to replace.
  await rm(path, { force: true });
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > MAX_REQUEST_BYTES) return sock.destroy();
      const nl = buf.indexOf('\n');
      if (nl === -1) return;
      void answer(ops, buf.slice(0, nl)).then((reply) => sock.end(JSON.stringify(reply) + '\n'));
    });
    sock.on('error', () => { /* the client went away; nothing to clean up */ });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return server;
}

async function answer(ops: LocalOps, line: string): Promise<unknown> {
  let req: Request;
  try {
    req = Request.parse(JSON.parse(line));
  } catch {
    return { error: 'bad request' };
  }
  try {
    return req.op === 'pair' ? ops.pair() : await ops.unpair(req.peerId);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Asks the agent running with this data dir to open a pairing window. */
export function requestPairing(path: string): Promise<PairOpened> {
  return ask(path, { op: 'pair' }, PairOpened);
}

/** Asks the agent running with this data dir to unpair a driver now. */
export function requestUnpair(path: string, peerId: string): Promise<Unpaired> {
  return ask(path, { op: 'unpair', peerId }, Unpaired);
}

function ask<T>(path: string, req: Request, schema: z.ZodType<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (d: string) => { buf += d; });
    sock.on('end', () => {
      let raw: unknown;
      try {
        raw = JSON.parse(buf);
      } catch {
        return reject(new Error(`unexpected reply from the agent: ${buf.slice(0, 200)}`));
      }
      const ok = schema.safeParse(raw);
      if (ok.success) return resolve(ok.data);
      const failed = Failure.safeParse(raw);
      reject(new Error(failed.success ? `the agent refused: ${failed.data.error}` : `unexpected reply from the agent: ${buf.slice(0, 200)}`));
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new NoAgentError('no agent is running with this data dir') : err);
    });
  });
}

function isAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection(path);
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}
