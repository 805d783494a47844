/**
 * Which URLs the desktop window may show, talk from, or hand to the system browser. Pure
 * functions (no `electron` import), so plain Node tests cover every branch.
 *
 * The renderer is served from a custom, privileged `app://claudecluster/` scheme rather than
 * `file://`: a response of our own protocol handler carries the Content-Security-Policy header,
 * and `file://` would grant the page every file on disk as "same origin".
 */
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/** The scheme the renderer is served on. */
export const APP_SCHEME = 'app';
/** The one host of that scheme; anything else is refused. */
export const APP_HOST = 'claudecluster';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The renderer's Content-Security-Policy. Scripts only from the app itself (no eval, no inline
 * script); inline styles are allowed because xterm.js writes its theme into a `<style>` element.
 * Nothing may be framed, posted or fetched from elsewhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined; // Not a URL at all: every policy below refuses it.
  }
}

/** True when `url` is a page of this app: `app://claudecluster/…`. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return u !== undefined && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
}

/**
 * The URL to hand to the system browser, or undefined: only `https:` links (no credentials in
 * them) ever leave the app; `file:`, `javascript:`, custom schemes and plain http are dropped.
 */
export function externalUrl(url: string): string | undefined {
  const u = parse(url);
  if (!u || u.protocol !== 'https:' || u.username || u.password || !u.hostname) return undefined;
  return u.toString();
}

/**
 * The file under `root` an `app://claudecluster/…` request names, or undefined for another
 * origin or a path that would leave `root` (`..`, encoded or not). `/` is `index.html`.
 */
export function rendererFilePath(root: string, requestUrl: string): string | undefined {
  const u = parse(requestUrl);
  if (!u || u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return undefined; // Malformed %-escape.
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, '.' + path);
  const rel = relative(base, file);
  if (rel === '' || isAbsolute(rel) || rel.split(sep).includes('..')) return undefined;
  return file;
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type of a renderer file, by extension; unknown ones are opaque bytes. */
export function mimeType(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers every response of the app scheme carries. */
export function appResponseHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': mimeType(file),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}
