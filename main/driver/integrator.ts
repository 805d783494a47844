/**
 * Merges task results into the run branch inside a dedicated integration worktree, one at a
 * time, so the user's checkout is never touched. A conflicting merge is aborted cleanly and
 * reported with the conflicting files.
 */
import { rm } from 'node:fs/promises';
import { git, gitOut } from '../../shared/node/git.js';
import { RUN_BRANCH_PREFIX } from '../../shared/constants.js';
import type { UserRepo } from './user-repo.js';

export type MergeOutcome = { ok: true; head: string } | { ok: false; conflicts: string[]; message: string };

export class Integrator {
  private queue: Promise<unknown> = Promise.resolve();
  private _head: string;

  private constructor(readonly repo: UserRepo, readonly branch: string, readonly dir: string, base: string) {
    this._head = base;
  }

  /** Creates branch `claudecluster/<run>` at `base` and a worktree for it at `dir`. */
  static async create(repo: UserRepo, runId: string, base: string, dir: string): Promise<Integrator> {
    const branch = `${RUN_BRANCH_PREFIX}${runId}`;
    await rm(dir, { recursive: true, force: true });
    await git(['worktree', 'add', '--quiet', '-b', branch, dir, base], { cwd: repo.root });
    return new Integrator(repo, branch, dir, base);
  }

  /** The run branch's current commit: what a task that depends on merged tasks starts from. */
  get head(): string {
    return this._head;
  }

  /** Merges `ref` into the run branch; merges run one after another in call order. */
  merge(ref: string, message: string): Promise<MergeOutcome> {
    const run = async (): Promise<MergeOutcome> => {
      const r = await git(['merge', '--no-edit', '-m', message, ref], { cwd: this.dir, allowFail: true });
      if (r.code === 0) {
        this._head = await gitOut(['rev-parse', 'HEAD'], { cwd: this.dir });
        return { ok: true, head: this._head };
      }
      const conflicts = (await gitOut(['diff', '--name-only', '--diff-filter=U'], { cwd: this.dir })).split('\n').filter(Boolean);
      await git(['merge', '--abort'], { cwd: this.dir, allowFail: true });
      return { ok: false, conflicts, message: (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' / ') };
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Removes the integration worktree; the run branch stays. */
  async close(): Promise<void> {
    await this.queue;
    await git(['worktree', 'remove', '--force', this.dir], { cwd: this.repo.root, allowFail: true });
    await git(['worktree', 'prune'], { cwd: this.repo.root, allowFail: true });
  }
}
