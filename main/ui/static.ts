/**
 * The built renderer (dist/renderer) as static files: only regular files under its root (no
 * directory listings, no `..`, no symlink out of it), each with its content type.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

/** Content types by extension; anything else is sent as bytes (and `nosniff` keeps it so). */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};
const BYTES = 'application/octet-stream';
/** Largest file served: the renderer's bundles are far smaller; anything bigger is not ours. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface StaticFile {
  body: Buffer;
  type: string;
}

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? BYTES;
}

/**
 * The file at URL path `urlPath` under `root`, or undefined when there is none it may serve
 * (missing, a directory, outside the root, or a path that does not decode).
 */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.split(/[/\\]/).includes('..')) return undefined;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, path));
    if (!real.startsWith(realRoot + sep)) return undefined;
    const info = await stat(real);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return undefined;
    return { body: await readFile(real), type: contentType(real) };
  } catch {
    return undefined; // Missing (or unreadable): a 404 either way.
  }
}
