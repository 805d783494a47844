/**
 * One bare cache repository per origin repo. Drivers send only the objects it lacks (bundles
 * of `commit ^tips`); tasks run in worktrees of it; results leave as bundles of `base..task`.
 */
import { mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { GitError, git, gitOut } from '../shared/node/git.js';
import { readBundleHeader, type BundleHeader } from '../shared/node/bundle-header.js';
import { indexBundlePack } from '../shared/node/index-pack.js';
import { bundleSize, onDisk, type BundleSource } from '../shared/node/bundle-source.js';
import type { AgentPaths } from './paths.js';
import { lastLines } from '../shared/lines.js';
import { checkDiskSpace } from '../shared/node/disk-space.js';
import { newestFirst } from './tips-order.js';
import { shortId } from '../shared/short-id.js';

/** Refs the cache keeps: commits received from drivers, and each task's branch (its worktree's). */
const HAVE_PREFIX = 'refs/cc/have/';
const TASK_BRANCH_PREFIX = 'cc/task/';
/** Where the cache's commits are pinned; `refs/cc/task/` held results before tasks had branches. */
const PIN_PREFIXES = ['refs/cc/', `refs/heads/${TASK_BRANCH_PREFIX}`];
/** How many tips to advertise; the newest are the ones the next task will build on. */
const MAX_TIPS = 200;

const applyKey = (repoId: string, commit: string): string => `${repoId}:${commit}`;

export class RepoError extends Error {
  override readonly name = 'RepoError';
}

export class RepoCache {
  /** Serializes git operations that change refs of one repo. */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Finished worktrees kept per repo for reuse: resetting one touches only the files that differ. */
  private readonly spare = new Map<string, string[]>();
  /** Commits known to be in each cache (received or made here): asked for on every task start. */
  private readonly present = new Map<string, Set<string>>();
  /** Per repo and commit: applies under way, each settling when it ends, taken in or not. */
  private readonly applying = new Map<string, Promise<void>>();
  /** Per repo: refs of applied commits still being written. Until one is, only `present` knows of its commit (and gc never runs here). */
  private readonly pinning = new Map<string, Promise<void>>();

  /** `maxSpare`: how many finished worktrees to keep per repo (the agent's slot count). */
  constructor(private readonly paths: AgentPaths, private readonly maxSpare: number) {}

  private async ensure(repoId: string): Promise<string> {
    const dir = this.paths.repo(repoId);
    if (!existsSync(dir)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await git(['init', '--quiet', '--bare', dir], { cwd: this.paths.root });
      // Never let background gc drop objects a running worktree may still need.
      await git(['config', 'gc.auto', '0'], { cwd: dir });
    }
    return dir;
  }

  private locked<T>(repoId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(repoId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.locks.set(repoId, next.catch(() => undefined));
    return next;
  }

  /** Commits this cache can use as bundle prerequisites, newest first. */
  async tips(repoId: string): Promise<string[]> {
    if (!existsSync(this.paths.repo(repoId))) return [];
    await this.pinning.get(repoId);
    const dir = this.paths.repo(repoId);
    const out = await gitOut(['for-each-ref', '--sort=-committerdate', `--count=${MAX_TIPS}`, '--format=%(objectname) %(committerdate:unix)', ...PIN_PREFIXES], { cwd: dir });
    const tips = out.split('\n').filter(Boolean).map((line) => {
      const [oid, time] = line.split(' ');
      return { oid: oid!, time: Number(time) };
    });
    return newestFirst(dir, tips);
  }

  /** Whether the cache holds `commit`, once an apply of it under way (see `apply`) has ended. */
  async hasCommit(repoId: string, commit: string): Promise<boolean> {
    await this.applying.get(applyKey(repoId, commit));
    if (this.present.get(repoId)?.has(commit)) return true;
    if (!existsSync(this.paths.repo(repoId))) return false;
    const r = await git(['cat-file', '-e', `${commit}^{commit}`], { cwd: this.paths.repo(repoId), allowFail: true });
    if (r.code === 0) this.remember(repoId, commit);
    return r.code === 0;
  }

  /** Whether the cache holds every one of `commits` (one git process for those not known to be here). */
  private async holdsAll(repoId: string, commits: readonly string[]): Promise<boolean> {
    const known = this.present.get(repoId);
    const unknown = commits.filter((c) => !known?.has(c));
    if (unknown.length === 0) return true;
    const out = await gitOut(['cat-file', '--batch-check=%(objecttype)'], { cwd: this.paths.repo(repoId), input: unknown.join('\n') + '\n' });
    return out.split('\n').every((type) => type === 'commit');
  }

  private remember(repoId: string, commit: string): void {
    const set = this.present.get(repoId) ?? new Set<string>();
    this.present.set(repoId, set);
    set.add(commit);
  }

  /**
   * Takes `commit` in from a bundle the driver sent, each object checked and nothing missing (see
   * index-pack.ts): a bundle whose prerequisites the cache lacks fails. fsck's warnings are errors
   * there, not in `git fetch`: a bundle refused (e.g. for an old zero-padded file mode in its
   * history) is fetched instead. The commit is usable at once; its ref follows (see pinning).
   */
  apply(repoId: string, bundle: BundleSource, commit: string): Promise<void> {
    const key = applyKey(repoId, commit);
    // Only those under way before it: two that waited for each other would wait forever.
    const earlier = [...this.applying].filter(([k]) => k.startsWith(`${repoId}:`)).map(([, ended]) => ended);
    const applied = this.takeIn(repoId, bundle, commit, earlier);
    // Known as under way from this call on: whatever needs the commit next waits for it, not for the caller.
    const ended = applied.catch(() => undefined);
    this.applying.set(key, ended);
    void ended.then(() => { if (this.applying.get(key) === ended) this.applying.delete(key); });
    return applied;
  }

  private async takeIn(repoId: string, bundle: BundleSource, commit: string, earlier: ReadonlyArray<Promise<void>>): Promise<void> {
    const dir = await this.locked(repoId, () => this.ensure(repoId));
    let header: BundleHeader;
    try {
      header = await readBundleHeader(bundle);
    } catch (err) {
      throw new RepoError(`bundle rejected: ${(err as Error).message}`);
    }
    const ref = header.refs.find((r) => r.oid === commit)?.name;
    if (!ref) throw new RepoError(`bundle does not contain commit ${commit}`);
    // Built on commits not here yet: they may be coming in a bundle sent before it, or inside one.
    if (earlier.length > 0 && !(await this.holdsAll(repoId, header.prerequisites))) await Promise.all(earlier);
    // Its objects land in the cache's pack directory: at least the bundle's size again.
    await this.requireSpace(dir, await bundleSize(bundle), `the objects of commit ${shortId(commit)}`);
    if (!(await indexBundlePack(dir, join(dir, 'objects', 'pack'), bundle, header.packAt, commit))) {
      this.remember(repoId, commit);
      // Unpinned, the commit is still here and used; it is only not listed among the tips, so a driver may send it again.
      const pin = git(['update-ref', `${HAVE_PREFIX}${commit}`, commit], { cwd: dir, allowFail: true });
      // Settles with nothing: a chain of results would keep every earlier one.
      this.pinning.set(repoId, Promise.all([this.pinning.get(repoId), pin]).then(() => undefined));
      return;
    }
    await this.locked(repoId, async () => {
      const r = await onDisk(bundle, dir, (file) => git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', file, `+${ref}:${HAVE_PREFIX}${commit}`], { cwd: dir, allowFail: true }));
      if (r.code !== 0) throw new RepoError(`bundle rejected: ${lastLines(r.stderr) || 'fetch failed'}`);
      this.remember(repoId, commit);
    });
  }

  /**
   * A worktree at `base` with nothing else in it, on the task's own branch (`key`): a spare one
   * (cleaned when it was released) checked out at `base` — as good as fresh, and far cheaper on a
   * large repo — or a new one. The branch pins what the task commits, with no git run of its own.
   */
  acquireWorktree(repoId: string, base: string, key: string): Promise<string> {
    const branch = `${TASK_BRANCH_PREFIX}${key}`;
    return this.locked(repoId, async () => {
      await this.requireSpace(this.paths.work, 0, 'a new worktree');
      const spare = this.spare.get(repoId);
      for (let dir = spare?.pop(); dir; dir = spare?.pop()) {
        const reset = await git(['checkout', '--quiet', '--force', '-B', branch, base], { cwd: dir, allowFail: true });
        if (reset.code === 0) return dir;
        await this.dropWorktree(repoId, dir); // Damaged (e.g. removed by hand): fall back to a new one.
      }
      const dir = join(this.paths.work, `${repoId.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
      await git(['worktree', 'add', '--quiet', '-B', branch, dir, base], { cwd: this.paths.repo(repoId) });
      return dir;
    });
  }

  /** Lets go of an expired task's branch: its commits are no longer pinned or offered as tips for it. */
  dropTaskBranch(repoId: string, key: string): Promise<void> {
    if (!existsSync(this.paths.repo(repoId))) return Promise.resolve();
    return this.locked(repoId, async () => {
      await git(['update-ref', '-d', `refs/heads/${TASK_BRANCH_PREFIX}${key}`], { cwd: this.paths.repo(repoId), allowFail: true });
    });
  }

  /**
   * Keeps a finished task's worktree for the next task, or removes it if enough are spare. Its
   * untracked and ignored files go now, off the next task's path.
   */
  releaseWorktree(repoId: string, dir: string): Promise<void> {
    return this.locked(repoId, async () => {
      const spare = this.spare.get(repoId) ?? [];
      this.spare.set(repoId, spare);
      const clean = spare.length < this.maxSpare ? await git(['clean', '-ffdxq'], { cwd: dir, allowFail: true }) : undefined;
      if (clean?.code === 0) spare.push(dir);
      else await this.dropWorktree(repoId, dir);
    });
  }

  /** A RepoError naming the path and the figures when `bytes` (plus the minimum) do not fit at `path`. */
  private async requireSpace(path: string, bytes: number, what: string): Promise<void> {
    const space = await checkDiskSpace(path, bytes, what);
    if (!space.ok) throw new RepoError(space.error.message);
  }

  private async dropWorktree(repoId: string, dir: string): Promise<void> {
    await git(['worktree', 'remove', '--force', dir], { cwd: this.paths.repo(repoId), allowFail: true });
    await rm(dir, { recursive: true, force: true });
    await git(['worktree', 'prune'], { cwd: this.paths.repo(repoId), allowFail: true });
  }

  /**
   * Commits everything in the worktree (the session may also have committed itself) and writes a
   * bundle of `base..HEAD` to `out`. Returns the head, or null when nothing changed since `base`
   * (no bundle written). The usual path is three git processes; the commit id comes from the
   * bundle's own header, and the task's branch (see acquireWorktree) pins it.
   */
  async commitResult(repoId: string, key: string, worktree: string, base: string, message: string, out: string, startedFrom = base): Promise<string | null> {
    // `git add` writes the worktree's changes as objects, then the bundle repeats them: check first.
    await this.requireSpace(worktree, 0, 'the task\'s commit and result bundle');
    await git(['add', '--all'], { cwd: worktree });
    // gc.auto is 0 here, yet every commit would start a `git maintenance run --auto` that does nothing.
    const commit = await git(['-c', 'maintenance.auto=false', 'commit', '--quiet', '--no-verify', '-m', message], { cwd: worktree, allowFail: true });
    if (commit.code !== 0) {
      // Nothing staged is fine (the session may have committed, or changed nothing); else it failed.
      const staged = await git(['diff', '--cached', '--quiet'], { cwd: worktree, allowFail: true });
      if (staged.code !== 0) throw new GitError(['commit'], commit.code, commit.stderr || commit.stdout);
      if ((await gitOut(['rev-parse', 'HEAD'], { cwd: worktree })) === startedFrom) return null;
    }
    // HEAD, not the branch: it is the result even if the session moved to another branch.
    await git(['bundle', 'create', '--quiet', out, 'HEAD', `^${base}`], { cwd: worktree });
    const head = (await readBundleHeader({ file: out })).refs.find((r) => r.name === 'HEAD');
    if (!head) throw new RepoError(`the result bundle of ${key} does not carry its HEAD`);
    this.remember(repoId, head.oid);
    return head.oid;
  }

  /**
   * Merges `commits` into the worktree's HEAD, one after another, a merge commit each, and returns
   * the last; a conflict undoes that merge and throws a RepoError naming the files.
   */
  async mergeIn(worktree: string, commits: readonly string[]): Promise<string> {
    for (const commit of commits) {
      const r = await git(['merge', '--quiet', '--no-edit', '--no-ff', '-m', `Merge ${shortId(commit)}, the result this task starts from`, commit], { cwd: worktree, allowFail: true });
      if (r.code === 0) continue;
      const conflicts = (await gitOut(['diff', '--name-only', '--diff-filter=U'], { cwd: worktree })).split('\n').filter(Boolean);
      await git(['merge', '--abort'], { cwd: worktree, allowFail: true });
      throw new RepoError(`the result it starts from (${shortId(commit)}) does not merge cleanly into its base: ${conflicts.length > 0 ? `conflicts in ${conflicts.join(', ')}` : lastLines(r.stdout + r.stderr)}`);
    }
    return gitOut(['rev-parse', 'HEAD'], { cwd: worktree });
  }

  /** Merges `commit` into the worktree without committing, leaving any conflicts in place; returns the conflicting files. */
  async startMerge(worktree: string, commit: string): Promise<string[]> {
    await git(['merge', '--no-commit', '--no-ff', commit], { cwd: worktree, allowFail: true });
    const out = await gitOut(['diff', '--name-only', '--diff-filter=U'], { cwd: worktree });
    return out.split('\n').filter(Boolean);
  }

  /** Files in the worktree that still hold conflict markers. */
  async conflictMarkers(worktree: string): Promise<string[]> {
    await git(['add', '--all'], { cwd: worktree });
    const r = await git(['diff', '--cached', '--check'], { cwd: worktree, allowFail: true });
    const files = r.stdout.split('\n').filter((l) => l.includes('leftover conflict marker')).map((l) => l.split(':')[0]!);
    return [...new Set(files)];
  }
}
