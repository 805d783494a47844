/**
 * Where the Electron binary is, found without `require('electron')` (which tries to download a
 * missing binary): `node_modules/electron/path.txt` names it inside `dist/`, or inside
 * `ELECTRON_OVERRIDE_DIST_PATH` when that is set — as node_modules/electron/index.js does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ElectronBinary = { path: string; missing?: undefined } | { path?: undefined; missing: string };

export function findElectronBinary(root: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { missing: 'the electron package is not installed' };
  const pathFile = join(pkg, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const path = join(override, name || 'electron');
    return existsSync(path) ? { path } : { missing: `ELECTRON_OVERRIDE_DIST_PATH is set but ${path} does not exist` };
  }
  if (!name) return { missing: `${pathFile} does not exist (the binary was never downloaded)` };
  const path = join(pkg, 'dist', name);
  return existsSync(path) ? { path } : { missing: `${path} does not exist (the binary was never downloaded)` };
}
