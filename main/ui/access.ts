/**
 * Who may use `claudecluster ui`: a page or socket is served only to a request that carries the
 * per-start token, on the loopback address the server was started on (a foreign Host header is a
 * DNS-rebinding page), and a WebSocket only from the page's own origin (any other site open in
 * the same browser could otherwise connect to 127.0.0.1 and drive the cluster).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BRIDGE_TOKEN_PARAM } from '../../shared/bridge/constants.js';

/** Bytes of randomness in a token: as much as a strong key. */
export const TOKEN_BYTES = 32;
/** The host names the server answers to. It listens on 127.0.0.1 only; `localhost` is the same machine. */
const LOCAL_HOSTS = ['127.0.0.1', 'localhost'] as const;

/** A fresh token for one start of the server, safe in a URL. */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Compares in constant time: hashing first makes both sides the same length. */
export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** The request's URL, read against the server's own origin (the path and query are all that count). */
export function requestUrl(req: IncomingMessage, port: number): URL | undefined {
  try {
    return new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  } catch {
    return undefined; // A request line no URL parser accepts: refused.
  }
}

/** The origins (and Host values) a page of this server has. */
export function localOrigins(port: number): Set<string> {
  return new Set(LOCAL_HOSTS.map((h) => `http://${h}:${port}`));
}

export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host !== undefined && localOrigins(port).has(`http://${host.toLowerCase()}`);
}

/** Only the page's own origin; a request without one (not from a browser page) is refused too. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && localOrigins(port).has(origin.toLowerCase());
}

export function tokenOf(url: URL): string | null {
  return url.searchParams.get(BRIDGE_TOKEN_PARAM);
}
