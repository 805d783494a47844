/**
 * Where Claude Code's hooks reach the agent. Each session registers a random secret; a message is
 * delivered to a session only if it carries that session's secret, so no other process can forge
 * a task's state. Everything else is counted and dropped. Two doors:
 * - HTTP on 127.0.0.1 for Claude Code's `http` hooks: no process per hook, and Claude Code waits
 *   for each POST (answered at once), so events arrive in order; the secret is a header the CLI
 *   fills in from the session's environment.
 * - An owner-only Unix socket for the status-line relay (a command, since it must print).
 */
import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { chmod, rm } from 'node:fs/promises';
import { HOOK_EVENTS, HOOK_SECRET_HEADER, HookMessage, MAX_HOOK_MESSAGE_BYTES, type HookEvent } from './protocol.js';

export type HookHandler = (event: HookEvent, payload: unknown, sentAt: number) => void;

export class HookServer {
  /** Keyed by a hash of the secret, so lookups reveal nothing about secrets by timing. */
  private readonly sessions = new Map<string, HookHandler>();
  /** Messages refused: bad form, or a secret no session holds. */
  refused = 0;

  private readonly server: Server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > MAX_HOOK_MESSAGE_BYTES * 2) sock.destroy();
    });
    sock.on('end', () => {
      for (const line of buf.split('\n')) if (line.trim()) this.deliver(line);
      sock.end();
    });
    sock.on('error', () => { /* a relay that went away: its message, if any, is already handled */ });
  });

  private readonly http = createHttpServer((req, res) => this.onHttp(req, res));
  /** Base URL of the HTTP door, e.g. http://127.0.0.1:41234/hook */
  url = '';

  private constructor(readonly path: string) {}

  static async start(path: string): Promise<HookServer> {
    await rm(path, { force: true });
    const hooks = new HookServer(path);
    await new Promise<void>((resolve, reject) => {
      hooks.server.once('error', reject);
      hooks.server.listen(path, () => resolve());
    });
    await chmod(path, 0o600);
    await new Promise<void>((resolve, reject) => {
      hooks.http.once('error', reject);
      hooks.http.listen(0, '127.0.0.1', () => resolve());
    });
    hooks.url = `http://127.0.0.1:${(hooks.http.address() as AddressInfo).port}/hook`;
    return hooks;
  }

  /** POST /hook/<Event> with the session's secret in a header and the hook JSON as the body. */
  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    let tooBig = false;
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
      if (body.length > MAX_HOOK_MESSAGE_BYTES) { tooBig = true; req.destroy(); }
    });
    req.on('end', () => {
      // Answer first and with nothing: an empty answer decides nothing for Claude Code.
      res.writeHead(tooBig ? 413 : 200).end();
      const event = /^\/hook\/([A-Za-z]+)$/.exec(req.url ?? '')?.[1];
      const secret = req.headers[HOOK_SECRET_HEADER];
      let payload: unknown = null;
      try {
        payload = JSON.parse(body);
      } catch {
        payload = undefined;
      }
      if (req.method !== 'POST' || tooBig || payload === undefined || !event || !(HOOK_EVENTS as readonly string[]).includes(event) || typeof secret !== 'string') {
        this.refused++;
        return;
      }
      this.deliver(JSON.stringify({ secret, event, payload, sentAt: Date.now() }));
    });
    req.on('error', () => { /* the client went away mid-request: nothing was delivered */ });
  }

  /** Routes messages carrying `secret` to `handler` until the returned function is called. */
  register(secret: string, handler: HookHandler): () => void {
    const key = digest(secret);
    this.sessions.set(key, handler);
    return () => this.sessions.delete(key);
  }

  private deliver(line: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      this.refused++;
      return;
    }
    const msg = HookMessage.safeParse(raw);
    const handler = msg.success ? this.sessions.get(digest(msg.data.secret)) : undefined;
    if (!msg.success || !handler) {
      this.refused++;
      return;
    }
    handler(msg.data.event, msg.data.payload, msg.data.sentAt);
  }

  async close(): Promise<void> {
    this.http.closeAllConnections();
    await Promise.all([
      new Promise<void>((resolve) => this.server.close(() => resolve())),
      new Promise<void>((resolve) => this.http.close(() => resolve())),
    ]);
  }
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
