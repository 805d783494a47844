/**
 * A Unix socket in the agent's data dir (owner-only) through which the machine's owner
 * can ask a running agent to open a pairing window: `claudecluster-agent pair`.
 */
import { createServer, createConnection, type Server } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import { z } from 'zod';

const Request = z.object({ op: z.literal('pair') }).strict();
export const PairOpened = z.object({ code: z.string(), expiresAt: z.string(), fingerprint: z.string() }).strict();
export type PairOpened = z.infer<typeof PairOpened>;

/** Largest request line accepted on the socket. */
const MAX_REQUEST_BYTES = 4096;

/** Another agent process is serving this data dir. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

export async function serveLocalControl(path: string, openPairing: () => PairOpened): Promise<Server> {
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
      let reply: unknown;
      try {
        Request.parse(JSON.parse(buf.slice(0, nl)));
        reply = openPairing();
      } catch {
        reply = { error: 'bad request' };
      }
      sock.end(JSON.stringify(reply) + '\n');
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

/** Asks the agent running with this data dir to open a pairing window. */
export function requestPairing(path: string): Promise<PairOpened> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify({ op: 'pair' }) + '\n'));
    sock.on('data', (d: string) => { buf += d; });
    sock.on('end', () => {
      try {
        resolve(PairOpened.parse(JSON.parse(buf)));
      } catch {
        reject(new Error(`unexpected reply from the agent: ${buf.slice(0, 200)}`));
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new Error('no agent is running with this data dir') : err);
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
