/** Small JSON state files, written atomically (temp file + rename) so a crash never leaves half a file. */
import { readFile, rename, writeFile } from 'node:fs/promises';
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

export async function writeJsonFile(path: string, value: unknown, mode = 0o600): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode });
  await rename(tmp, path);
}
