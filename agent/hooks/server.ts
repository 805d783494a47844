/**
 * The agent's hook socket (owner-only Unix socket in its data dir). Each session registers a
 * random secret; a message is delivered to a session only if it carries that session's secret,
 * so no other process can forge a task's state. Everything else is counted and dropped.
 */
import { createServer, type Server } from 'node:net';
import { createHash } from 'node:crypto';
import { chmod, rm } from 'node:fs/promises';
import { HookMessage, MAX_HOOK_MESSAGE_BYTES, type HookEvent } from './protocol.js';

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

  private constructor(readonly path: string) {}

  static async start(path: string): Promise<HookServer> {
    await rm(path, { force: true });
    const hooks = new HookServer(path);
    await new Promise<void>((resolve, reject) => {
      hooks.server.once('error', reject);
      hooks.server.listen(path, () => resolve());
    });
    await chmod(path, 0o600);
    return hooks;
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
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
