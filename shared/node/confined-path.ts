/**
 * Names that came from outside — a peer, a task result, a goal — turned into paths under a
 * directory they cannot leave. The ids on the wire are already schema-checked; this is the
 * second line: one place that refuses `..`, absolute paths, NUL bytes and (with
 * `confineReal`) symlinks that lead out of the directory.
 */
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep, win32 } from 'node:path';

export type Confined = { ok: true; path: string } | { ok: false; error: string };

/** A name that would leave its directory: a bug where a schema already checked the name. */
export class ConfinedPathError extends Error {
  override readonly name = 'ConfinedPathError';
}

/** `name` (one or more `/`-separated segments) resolved under `root`, by its text alone. */
export function confine(root: string, name: string): Confined {
  const shown = JSON.stringify(name.slice(0, 200));
  if (name.length === 0) return { ok: false, error: 'empty name' };
  if (name.includes('\0')) return { ok: false, error: `${shown} contains a NUL byte` };
  if (isAbsolute(name) || win32.isAbsolute(name)) return { ok: false, error: `${shown} is an absolute path` };
  if (name.split(/[\\/]/).includes('..')) return { ok: false, error: `${shown} climbs out with ".."` };
  const base = resolve(root);
  const path = resolve(base, name);
  if (!inside(base, path)) return { ok: false, error: `${shown} does not name anything inside ${base}` };
  return { ok: true, path };
}

/** `confine` that throws ConfinedPathError: for names whose shape a schema already guarantees. */
export function confinedPath(root: string, name: string): string {
  const c = confine(root, name);
  if (!c.ok) throw new ConfinedPathError(c.error);
  return c.path;
}

/**
 * `confine`, and also on disk: the deepest part of the path that exists, symlinks followed,
 * must still be inside `root` (symlinks followed too). The rest may not exist yet.
 */
export async function confineReal(root: string, name: string): Promise<Confined> {
  const c = confine(root, name);
  if (!c.ok) return c;
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (err) {
    return { ok: false, error: `${root}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}` };
  }
  const base = resolve(root);
  let probe = c.path;
  let rest = '';
  for (;;) {
    try {
      const real = await realpath(probe);
      if (real !== realRoot && !inside(realRoot, real)) return { ok: false, error: `${JSON.stringify(name.slice(0, 200))} leads out of ${base} through a symlink` };
      return { ok: true, path: rest ? join(real, rest) : real };
    } catch (err) {
      // Only a missing part is walked past; anything else (a loop, no permission) refuses.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || probe === base) return { ok: false, error: `${probe}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}` };
      // A symlink whose target is missing: writing through it would create that target.
      if (await lstat(probe).then(() => true, () => false)) return { ok: false, error: `${probe} is a symlink to nothing` };
      rest = rest ? join(basename(probe), rest) : basename(probe);
      probe = dirname(probe);
    }
  }
}

function inside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
