/** A node's persistent Ed25519 identity: one key file, mode 0600, in its data dir. */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile, chmod, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { PrivateKey, PeerId } from '@libp2p/interface';

const KEY_FILE_MODE = 0o600;

/** Loads the key at `path`, creating it (and its directory, mode 0700) on first use. */
export async function loadOrCreateKey(path: string): Promise<PrivateKey> {
  try {
    const bytes = await readFile(path);
    const mode = (await stat(path)).mode & 0o777;
    // A key readable by others is no longer secret; tighten it rather than refuse to start.
    if (mode !== KEY_FILE_MODE) await chmod(path, KEY_FILE_MODE);
    return privateKeyFromProtobuf(bytes);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read identity key ${path}: ${(err as Error).message}`);
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = await generateKeyPair('Ed25519');
  // 'wx': never overwrite a key another process created at the same moment.
  await writeFile(path, privateKeyToProtobuf(key), { mode: KEY_FILE_MODE, flag: 'wx' });
  return key;
}

/** A short fingerprint of a PeerId a person can compare by eye: `XXXX-XXXX-XXXX`. */
export function fingerprint(peerId: PeerId | string): string {
  const hex = createHash('sha256').update(peerId.toString()).digest('hex').toUpperCase();
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}`;
}

export { peerIdFromPrivateKey };
