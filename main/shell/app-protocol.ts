/**
 * The `app://claudecluster/` scheme: serves the built renderer (dist/renderer) with the
 * Content-Security-Policy header on every response. Register before `ready`, serve after.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME, appResponseHeaders, rendererFilePath } from './url-policy.js';

/**
 * Must run before the app is ready. `standard` gives the scheme an origin; `secure` makes it a
 * secure context; `corsEnabled` lets the page load its `<script type="module" crossorigin>`
 * bundles (responses carry no Access-Control-Allow-Origin, so no other origin can read them).
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } }]);
}

export function serveRenderer(root: string, log: (line: string) => void): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const file = rendererFilePath(root, request.url);
    if (!file) return new Response(null, { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: appResponseHeaders(file) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR') log(`app scheme: cannot read ${file}: ${String(err)}`);
      return new Response(null, { status: 404 });
    }
  });
}
