/** "Did you mean …?" for a name that is not one of those it could be: a flag, a command, a task id. */
import { distance } from 'fastest-levenshtein';

/** The most edits a typo is taken to hold (two letters swapped are two); a name further off is not suggested. */
export const MAX_TYPO_EDITS = 2;
/** A word this long or longer that begins a name is taken for that name cut short. */
export const MIN_PREFIX = 3;

/**
 * The name in `names` that `word` most likely meant, case aside: the nearest within
 * MAX_TYPO_EDITS edits and no more than half of `word`'s letters (so a short word is not
 * "corrected" into an unrelated one), else the first that `word` begins (`--older` for
 * `--older-than`). Of equally near names, the first.
 */
export function nearestName(word: string, names: Iterable<string>): string | undefined {
  const edits = Math.min(MAX_TYPO_EDITS, Math.floor(word.length / 2));
  const lower = word.toLowerCase();
  let best: { name: string; edits: number } | undefined;
  let prefixOf: string | undefined;
  for (const name of names) {
    const d = distance(lower, name.toLowerCase());
    if (d <= edits && (!best || d < best.edits)) best = { name, edits: d };
    if (lower.length >= MIN_PREFIX && name.toLowerCase().startsWith(lower)) prefixOf ??= name;
  }
  return best?.name ?? prefixOf;
}

/** `; did you mean "x"?` with the nearest name shown by `show` (quoted by default), or '' when none is near. */
export function didYouMean(word: string, names: Iterable<string>, show: (name: string) => string = (n) => `"${n}"`): string {
  const name = nearestName(word, names);
  return name === undefined ? '' : `; did you mean ${show(name)}?`;
}
