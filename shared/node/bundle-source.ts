/**
 * A bundle to take in: a file, or the checked bytes of one that came inline (see
 * inline-bundle.ts), which need not touch the disk on the way into a repository.
 */
import { randomBytes } from 'node:crypto';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type BundleSource = { file: string } | { bytes: Uint8Array };

export async function bundleSize(bundle: BundleSource): Promise<number> {
  return 'bytes' in bundle ? bundle.bytes.byteLength : (await stat(bundle.file)).size;
}

/** Runs `fn` on a file holding the bundle: its own, or one written in `scratchDir` for the call (`git fetch` reads only files). */
export async function onDisk<T>(bundle: BundleSource, scratchDir: string, fn: (file: string) => Promise<T>): Promise<T> {
  if ('file' in bundle) return fn(bundle.file);
  const file = join(scratchDir, `incoming-${randomBytes(6).toString('hex')}.bundle`);
  await writeFile(file, bundle.bytes, { mode: 0o600 });
  try {
    return await fn(file);
  } finally {
    await rm(file, { force: true });
  }
}
