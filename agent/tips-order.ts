/**
 * The cache's tips, newest first, for a driver choosing a bundle's prerequisites. A commit's date
 * counts whole seconds, and a burst of commits (a driver merging result after result, a task
 * committing) shares one: within a second, git's topological walk puts each commit before its
 * ancestors.
 */
import { MAX_BUNDLE_PREREQUISITES } from '../shared/constants.js';
import { git } from '../shared/node/git.js';

/**
 * How many of the newest tips are put in order: twice what a driver names as a bundle's
 * prerequisites, as it names the newest of those it has too. One walk covers them, down to the
 * oldest second among them that holds two; the rest of the list keeps the order of its seconds only.
 */
export const ORDERED_TIPS = 2 * MAX_BUNDLE_PREREQUISITES;

export interface Tip {
  oid: string;
  /** Committer date, seconds since the epoch. */
  time: number;
}

/** `tips`, given newest second first (as `for-each-ref --sort=-committerdate` lists them), with the newest seconds' commits in order too; no repeats. */
export async function newestFirst(dir: string, tips: readonly Tip[]): Promise<string[]> {
  const unique = [...new Map(tips.map((t) => [t.oid, t])).values()];
  let end = Math.min(ORDERED_TIPS, unique.length);
  // A second is ordered whole or not at all.
  while (end > 0 && end < unique.length && unique[end]!.time === unique[end - 1]!.time) end++;
  // Past the oldest second with two tips in it, the list is in order already: the walk stops there.
  while (end > 1 && unique[end - 1]!.time !== unique[end - 2]!.time) end--;
  if (end <= 1) return unique.map((t) => t.oid);
  const head = unique.slice(0, end);
  const r = await git(['rev-list', '--topo-order', `--max-age=${head.at(-1)!.time}`, ...head.map((t) => t.oid)], { cwd: dir, allowFail: true });
  // A walk that fails leaves the list as it was: the order is a help, not a need.
  const walked = r.code === 0 ? r.stdout.split('\n') : [];
  const position = new Map(walked.map((oid, i) => [oid, i]));
  const at = (t: Tip): number => position.get(t.oid) ?? walked.length;
  head.sort((a, b) => b.time - a.time || at(a) - at(b));
  return [...head, ...unique.slice(end)].map((t) => t.oid);
}
