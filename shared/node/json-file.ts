/**
 * Small JSON state files, written atomically (temp file + rename) so a crash never leaves half a
 * file; with `durable`, flushed to disk before the rename, so the new state survives a power cut.
 */
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { describeIssues } from '../protocol/common.js';

export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, fallback: z.infer<S>): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; fix or remove it`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path} is not in the expected form: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Where process `pid` writes `path` before renaming it into place. */
export function tempPathOf(path: string, pid = process.pid): string {
  return `${path}.${pid}.tmp`;
}

export async function writeJsonFile(path: string, value: unknown, mode = 0o600, durable = false): Promise<void> {
  const tmp = tempPathOf(path);
  const text = JSON.stringify(value, null, 2) + '\n';
  if (!durable) {
    await writeFile(tmp, text, { mode });
    return rename(tmp, path);
  }
  const file = await open(tmp, 'w', mode);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  await syncDir(dirname(path));
}

/** Makes a rename in `dir` durable (the directory entry itself is flushed). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
