/**
 * Content-addressed artifacts (git bundles) on disk. Uploads land in `<sha>.part` and
 * become `<sha>` only after their sha256 is verified, so a half-received or forged blob
 * is never used; a broken upload resumes from the partial file's size.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { Sha256 } from '../shared/protocol/common.js';
import { sha256File } from '../shared/node/hash.js';
import { checkDiskSpace, formatBytes } from '../shared/node/disk-space.js';
import { shortId } from '../shared/short-id.js';

export class BlobError extends Error {
  override readonly name = 'BlobError';
}

export class BlobStore {
  constructor(private readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Path of a complete blob; the name is validated so nothing escapes the store. */
  path(sha256: string): string {
    if (!Sha256.safeParse(sha256).success) throw new BlobError(`not a sha256: ${sha256.slice(0, 80)}`);
    return join(this.dir, sha256);
  }

  async size(sha256: string): Promise<number | undefined> {
    return sizeOf(this.path(sha256));
  }

  /**
   * Bytes already received of an unfinished upload (0 if none; reset if larger than `size`).
   * Refuses the upload up front when the rest of it would not fit with the minimum left free.
   */
  async resumeOffset(sha256: string, size: number): Promise<number> {
    const part = `${this.path(sha256)}.part`;
    let have = (await sizeOf(part)) ?? 0;
    if (have > size) {
      await truncate(part, 0);
      have = 0;
    }
    const space = await checkDiskSpace(this.dir, size - have, `blob ${shortId(sha256)} (${formatBytes(size)})`);
    if (!space.ok) throw new BlobError(space.error.message);
    return have;
  }

  /** Opens the partial file for appending at `offset`. */
  appender(sha256: string, offset: number): { write(chunk: Uint8Array): Promise<void>; close(): Promise<void> } {
    const out = createWriteStream(`${this.path(sha256)}.part`, { flags: offset === 0 ? 'w' : 'a', mode: 0o600 });
    return {
      async write(chunk) {
        if (!out.write(chunk)) await once(out, 'drain');
      },
      async close() {
        out.end();
        await once(out, 'close');
      },
    };
  }

  /** Checks a finished upload's hash and size; on success it becomes a blob, else it is removed. */
  async commit(sha256: string, size: number): Promise<void> {
    const part = `${this.path(sha256)}.part`;
    const have = (await sizeOf(part)) ?? 0;
    if (have !== size) throw new BlobError(`upload incomplete: ${have} of ${size} bytes`);
    const actual = await sha256File(part);
    if (actual !== sha256) {
      await rm(part, { force: true });
      throw new BlobError(`upload corrupt: sha256 is ${actual}, expected ${sha256}`);
    }
    await rename(part, this.path(sha256));
  }

  /** Adds a local file (e.g. a result bundle) to the store, moving it; returns its name and size. */
  async adopt(file: string): Promise<{ sha256: string; size: number }> {
    const sha256 = await sha256File(file);
    const size = (await stat(file)).size;
    await rename(file, this.path(sha256));
    return { sha256, size };
  }

  read(sha256: string, offset: number): NodeJS.ReadableStream {
    return createReadStream(this.path(sha256), { start: offset, highWaterMark: 64 * 1024 });
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
