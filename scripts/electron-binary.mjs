// Where the Electron binary is, found without `require('electron')` (which, when the binary is
// missing, tries to download it). Mirrors node_modules/electron/index.js: path.txt names the
// executable inside dist/, or inside ELECTRON_OVERRIDE_DIST_PATH when that is set.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `{ path }` of an existing binary, or `{ missing }` saying what is not there. */
export function findElectronBinary(root, env = process.env) {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { missing: 'the electron package is not installed (npm install)' };
  const pathFile = join(pkg, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, name || 'electron');
    return existsSync(path) ? { path } : { missing: `ELECTRON_OVERRIDE_DIST_PATH is set but ${path} does not exist` };
  }
  if (!name) return { missing: `${pathFile} does not exist: the Electron binary was never downloaded` };
  const path = join(pkg, 'dist', name);
  return existsSync(path) ? { path } : { missing: `${path} does not exist: the Electron binary was never downloaded` };
}
