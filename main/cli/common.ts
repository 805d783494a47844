import { join, resolve } from 'node:path';
import { defaultHome } from '../../shared/node/cli-args.js';

/** The driver's data dir: --data-dir, else ~/.claudecluster/driver. */
export function driverDataDir(flag: string | undefined): string {
  return resolve(flag ?? join(defaultHome(), 'driver'));
}
