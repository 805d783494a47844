#!/usr/bin/env node
// Bundles the Electron preload (main/shell/preload.ts) and what it imports (the bridge contract,
// its client, zod) into one CommonJS file, dist/main/shell/preload.cjs: a sandboxed preload can
// require nothing but `electron`. `electron` stays external; nothing else may.
import { fileURLToPath, URL } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PRELOAD_OUT = 'dist/main/shell/preload.cjs';
/** Chromium of Electron 45. */
const TARGET = 'chrome142';

export async function buildPreload(root = ROOT) {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: 'dist/main/shell',
      emptyOutDir: false,
      target: TARGET,
      minify: false,
      sourcemap: false,
      copyPublicDir: false,
      lib: {
        entry: 'main/shell/preload.ts',
        formats: ['cjs'],
        fileName: () => 'preload.cjs',
      },
      rolldownOptions: {
        external: ['electron'],
        output: { codeSplitting: false },
      },
    },
  });
  return PRELOAD_OUT;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`built ${await buildPreload()}`);
}
