/**
 * The cache's tips, newest first, for a driver choosing a bundle's prerequisites. A commit's date
 * counts whole seconds, and a burst of commits (a driver merging result after result, a task
 * committing) shares one: within a second, git's topological walk puts each commit before its
 * ancestors.
 */
import { git } from '../shared/node/git.js';

export interface Tip {
  oid: string;
  /** Committer date, seconds since the epoch. */
  time: number;
}

/** `tips`, given newest second first (as `for-each-ref --sort=-committerdate` lists them), with each second's commits in order too; no repeats. */
export async function newestFirst(dir: string, tips: readonly Tip[]): Promise<string[]> {
  const seconds: Tip[][] = [];
  for (const tip of tips) {
    const last = seconds.at(-1);
    if (last && last[0]!.time === tip.time) last.push(tip);
    else seconds.push([tip]);
  }
  const ordered = await Promise.all(seconds.map((s) => (s.length > 1 ? withinSecond(dir, s) : s.map((t) => t.oid))));
  return [...new Set(ordered.flat())];
}

/** The commits of one second, descendants first; the walk goes no further back than that second. */
async function withinSecond(dir: string, tips: readonly Tip[]): Promise<string[]> {
  const members = new Set(tips.map((t) => t.oid));
  const r = await git(['rev-list', '--topo-order', `--max-age=${tips[0]!.time}`, ...members], { cwd: dir, allowFail: true });
  // A walk that fails leaves the second as listed: the order is a help, not a need.
  const walked = r.code === 0 ? r.stdout.split('\n').filter((c) => members.has(c)) : [];
  return [...new Set([...walked, ...members])];
}
