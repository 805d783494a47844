import { join } from 'node:path';
import { defaultHome } from '../../shared/node/cli-args.js';
import { dataDir } from '../../shared/node/data-dir.js';

/** The driver's data dir: --data-dir, else ~/.claudecluster/driver. Must be a directory if it exists. */
export function driverDataDir(flag: string | undefined): string {
  return dataDir('--data-dir', flag, join(defaultHome(), 'driver'));
}

