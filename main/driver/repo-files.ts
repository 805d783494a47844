/** The files a goal's `foreach:` globs match: those tracked at the run's base commit. */
import picomatch from 'picomatch';
import { gitOut } from '../../shared/node/git.js';

/** A leading `./` names the repository's root, which a path relative to it never spells out. */
const LEADING_DOT_SLASH = /^(\.\/)+/;

/** Every file tracked at `commit`, relative to the repository's root, in git's (byte) order. */
export async function trackedFiles(root: string, commit: string): Promise<string[]> {
  // -z: paths exactly as stored, not quoted or escaped (core.quotePath) for odd characters.
  const out = await gitOut(['ls-tree', '-r', '--name-only', '-z', commit], { cwd: root });
  return out.split('\0').filter((path) => path !== '');
}

/**
 * The files that match a glob, in the order given. Globs follow picomatch (bash-like: `*` stays
 * within a folder, `**` spans folders, `{a,b}`, `[ab]`); as in a shell, `*` skips dot files
 * unless the glob spells out the dot.
 */
export function matchFiles(files: readonly string[], glob: string): string[] {
  const isMatch = picomatch(glob.replace(LEADING_DOT_SLASH, ''));
  return files.filter((path) => isMatch(path));
}
