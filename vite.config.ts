// Builds the renderer (renderer/) — the UI the desktop app and `claudecluster ui` serve — into dist/renderer.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The renderer runs in Electron's Chromium or a current browser: no legacy transforms.
    target: 'es2022',
  },
  server: { host: '127.0.0.1', strictPort: true },
});
