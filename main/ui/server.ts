/**
 * `claudecluster ui`'s server, on 127.0.0.1 only: the built renderer as static files, and the
 * `BridgeApi` over a WebSocket at BRIDGE_WS_PATH, one app-service client per socket. The page
 * and the socket both need the per-start token; the socket also the page's own origin.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { BRIDGE_WS_PATH } from '../../shared/bridge/constants.js';
import type { AppService } from '../app/service.js';
import { hostAllowed, newToken, originAllowed, requestUrl, tokenMatches, tokenOf } from './access.js';
import { readStatic } from './static.js';

/** The only address the server listens on. */
export const UI_HOST = '127.0.0.1';
/**
 * Largest message a client may send: a goal is at most 1 MiB of text, which JSON escaping can
 * make a few times larger; nothing else the renderer sends comes close.
 */
export const MAX_BRIDGE_MESSAGE_BYTES = 8 * 1024 * 1024;
/** The pages that need the token: the app itself. Its scripts and styles do not. */
const PAGES = new Set(['/', '/index.html']);
const INDEX = 'index.html';

/** Shown when the renderer was not built: the server still runs (the bridge works), and says how to build it. */
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ClaudeCluster</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3rem; max-width: 40rem">
<h1>ClaudeCluster</h1>
<p>The dashboard has not been built yet. Run <code>npm run build</code> in the ClaudeCluster folder,
then restart <code>claudecluster ui</code>.</p>
</body></html>
`;

export interface UiServerOptions {
  service: AppService;
  /** 0: any free port. */
  port: number;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
}

export interface UiServer {
  port: number;
  token: string;
  /** The page's URL, token included. */
  url: string;
  close(): Promise<void>;
}

/** The Content-Security-Policy of every response: the page loads only its own files and talks only to this server. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'", `connect-src 'self' ws://${UI_HOST}:${port}`, "img-src 'self' data:", "style-src 'self' 'unsafe-inline'",
    "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
  ].join('; ');
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = newToken();
  let port = 0;
  const headers = (): Record<string, string> => ({
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    // The page's URL carries the token: never send it on as a referrer.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  const reply = (res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...headers(), 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = requestUrl(req, port);
    if (!url || !hostAllowed(req, port)) return reply(res, 403, 'Forbidden\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'Method Not Allowed\n', undefined, { Allow: 'GET, HEAD' });
    if (url.pathname === BRIDGE_WS_PATH) return reply(res, 426, 'Upgrade Required\n', undefined, { Upgrade: 'websocket' });
    if (PAGES.has(url.pathname)) {
      if (!tokenMatches(tokenOf(url), token)) return reply(res, 403, 'Forbidden: open the address claudecluster ui printed, with its token\n');
      const page = await readStatic(opts.rendererDir, INDEX);
      return reply(res, 200, page?.body ?? NOT_BUILT_PAGE, 'text/html; charset=utf-8', { 'Cache-Control': 'no-store' });
    }
    const file = await readStatic(opts.rendererDir, url.pathname);
    if (!file) return reply(res, 404, 'Not Found\n');
    reply(res, 200, file.body, file.type, { 'Cache-Control': 'no-cache' });
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      // Reading a file failed after it was found: the browser gets a 500 and may retry.
      if (!res.headersSent) reply(res, 500, 'Internal Server Error\n');
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BRIDGE_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = requestUrl(req, port);
    const ok = url !== undefined && url.pathname === BRIDGE_WS_PATH && hostAllowed(req, port) && originAllowed(req, port) && tokenMatches(tokenOf(url), token);
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  const connect = (ws: WebSocket): void => {
    const client = opts.service.openClient((message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let raw: unknown;
      try {
        raw = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        raw = undefined; // Not JSON: the bridge answers it as an invalid request.
      }
      void client.receive(raw);
    });
    ws.on('close', () => client.close());
    ws.on('error', () => ws.terminate());
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, UI_HOST, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    token,
    url: `http://${UI_HOST}:${port}/?token=${token}`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The built renderer next to this file in the build: dist/main/ui → dist/renderer. */
export function defaultRendererDir(): string {
  return fileURLToPath(new URL('../../renderer/', import.meta.url));
}
