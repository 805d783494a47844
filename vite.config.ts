// Builds the renderer (renderer/) — the UI the desktop app and `claudecluster ui` serve — into dist/renderer.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * index.html carries the production CSP (no inline scripts). The dev server's React refresh
 * injects an inline script, so under `vite` (serve) the meta tag is left out; builds keep it.
 */
function devWithoutCsp(): Plugin {
  return {
    name: 'claudecluster:dev-without-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
  };
}

/**
 * Modules whose top level only builds values (zod schemas, parsers): the renderer needs one
 * constant of the goal parser (through the bridge contract), so without this hint the whole
 * goal parser and the YAML library would ship with it.
 */
const PURE_MODULES = [/[\\/]shared[\\/]goal[\\/]/, /[\\/]node_modules[\\/]yaml[\\/]/];

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), devWithoutCsp()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The renderer runs in Electron's Chromium or a current browser: no legacy transforms.
    target: 'es2022',
    // Source maps let a stack trace from a user's report point at the source.
    sourcemap: true,
    // One bundle read from disk or loopback, never over a network: React, xterm (+WebGL) and zod
    // make up most of its ~900 kB, and splitting would not make the first screen come sooner.
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      treeshake: { moduleSideEffects: (id: string) => !PURE_MODULES.some((re) => re.test(id)) },
    },
  },
  server: { host: '127.0.0.1', strictPort: true },
});
