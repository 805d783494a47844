#!/usr/bin/env node
// `npm start`: builds and runs the desktop app (`electron .`), passing on its arguments
// (`npm start -- --repo DIR`). Where no Electron binary is installed it says so, points at
// `claudecluster ui` (the same UI in a browser) and exits 1 without building anything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { buildPreload } from './build-preload.mjs';
import { findElectronBinary } from './electron-binary.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const electron = findElectronBinary(ROOT);
if (!electron.path) {
  console.error([
    'npm start: no Electron binary, so the desktop app cannot run here.',
    `  ${electron.missing}`,
    '  Install it where downloads are possible (npx install-electron, or reinstall the electron package),',
    '  or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron 45.',
    'The same UI runs in a browser:  npm run build && node dist/main/cli/bin.js ui   (claudecluster ui)',
  ].join('\n'));
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
if (existsSync(join(ROOT, 'renderer', 'index.html'))) {
  const { build } = await import('vite');
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
}
await buildPreload(ROOT);

// Inherited, ELECTRON_RUN_AS_NODE would start Electron as plain Node instead of the app.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const app = spawn(electron.path, ['.', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
