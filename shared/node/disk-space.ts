/**
 * Free disk space, checked before something large is written (a worktree, a bundle, a blob), so
 * a full disk is a clear failure up front — naming the path, what is free and what is needed —
 * rather than a half-written repository or file discovered later.
 */
import { statfs as statfsAsync } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Space that must stay free on a disk after a write: git needs room for its index, packs and
 * lock files, the agent for task records and terminal logs. Below this nothing large starts.
 */
export const MIN_FREE_DISK_BYTES = 64 * 1024 * 1024;

const MIB = 1024 * 1024;

/** The stable error for "not enough disk space"; callers and tests match on its `name`. */
export class DiskSpaceError extends Error {
  override readonly name = 'DiskSpaceError';
  constructor(readonly path: string, readonly free: number, readonly needed: number, what: string) {
    super(`not enough disk space for ${what} at ${path}: ${formatBytes(free)} free, ${formatBytes(needed)} needed`);
  }
}

export type DiskSpaceCheck = { ok: true; free: number } | { ok: false; error: DiskSpaceError };

/** What the check reads: `statfs` of a path (injectable for tests). */
export type StatFs = (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

/**
 * Bytes an unprivileged writer may still use on the file system holding `path`. A path that does
 * not exist yet is measured at its nearest existing ancestor (where it will be created).
 */
export async function freeBytes(path: string, statfs: StatFs = statfsAsync): Promise<number> {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = await statfs(p);
      return Number(s.bavail) * Number(s.bsize);
    } catch (err) {
      // Only a missing path walks up; anything else (EACCES, EIO) is a real problem to report.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) throw err;
    }
  }
}

/**
 * Whether `bytes` can be written at `path` and still leave MIN_FREE_DISK_BYTES free. `what` names
 * the write in the message ("a new worktree", "blob abc… (12.0 MiB)").
 */
export async function checkDiskSpace(path: string, bytes: number, what: string, statfs?: StatFs): Promise<DiskSpaceCheck> {
  const free = await freeBytes(path, statfs);
  const needed = Math.max(0, bytes) + MIN_FREE_DISK_BYTES;
  return free >= needed ? { ok: true, free } : { ok: false, error: new DiskSpaceError(path, free, needed, what) };
}

/** `checkDiskSpace` for code paths whose failures are exceptions already: throws the DiskSpaceError. */
export async function requireDiskSpace(path: string, bytes: number, what: string, statfs?: StatFs): Promise<void> {
  const check = await checkDiskSpace(path, bytes, what, statfs);
  if (!check.ok) throw check.error;
}

/** Bytes for people: "812 B", "3.5 MiB", "1.2 GiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < MIB) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * MIB) return `${(n / MIB).toFixed(1)} MiB`;
  return `${(n / 1024 / MIB).toFixed(1)} GiB`;
}
