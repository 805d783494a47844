/**
 * Merges task results into the run branch inside a dedicated integration worktree, one at a
 * time, so the user's checkout is never touched. A conflicting merge is aborted cleanly and
 * reported with the conflicting files.
 */
import { rm } from 'node:fs/promises';
import { runShell } from '../../shared/node/shell.js';
import { git, gitOut } from '../../shared/node/git.js';
import { RUN_BRANCH_PREFIX } from '../../shared/constants.js';
import type { UserRepo } from './user-repo.js';
import { lastLines } from '../../shared/lines.js';

export type MergeOutcome =
  | { ok: true; head: string }
  | { ok: false; conflicts: string[]; message: string }
  | { ok: false; verifyFailed: true; exitCode: number | null; tail: string };


export class Integrator {
  private queue: Promise<unknown> = Promise.resolve();
  private _head: string;

  private constructor(
    readonly repo: UserRepo,
    readonly branch: string,
    readonly dir: string,
    base: string,
    /** When reopened: where the branch was, if that was past the last recorded merge (the merge was undone). */
    readonly undone?: string,
  ) {
    this._head = base;
  }

  /** Creates branch `claudecluster/<run>` at `base` and a worktree for it at `dir`. */
  static async create(repo: UserRepo, runId: string, base: string, dir: string): Promise<Integrator> {
    const branch = `${RUN_BRANCH_PREFIX}${runId}`;
    await rm(dir, { recursive: true, force: true });
    await git(['worktree', 'add', '--quiet', '-b', branch, dir, base], { cwd: repo.root });
    return new Integrator(repo, branch, dir, base);
  }

  /**
   * Takes up an interrupted run's branch: its old worktree (perhaps mid-merge) is removed, and the
   * branch is put back at `head`, the last merge the run recorded. A merge made after that (not
   * verified, or not recorded) is undone, for the run to do again: nothing merges twice.
   */
  static async reopen(repo: UserRepo, branch: string, head: string, dir: string): Promise<Integrator> {
    await git(['worktree', 'remove', '--force', dir], { cwd: repo.root, allowFail: true });
    await rm(dir, { recursive: true, force: true });
    await git(['worktree', 'prune'], { cwd: repo.root, allowFail: true });
    const was = (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: repo.root, allowFail: true })).stdout.trim();
    await git(['update-ref', `refs/heads/${branch}`, head], { cwd: repo.root });
    await git(['worktree', 'add', '--quiet', dir, branch], { cwd: repo.root });
    return new Integrator(repo, branch, dir, head, was && was !== head ? was : undefined);
  }

  /** The run branch's current commit: what a task that depends on merged tasks starts from. */
  get head(): string {
    return this._head;
  }

  /**
   * Merges `ref` into the run branch, then runs `verify` (if any) on the result; a failing verify
   * undoes the merge, so the branch only ever holds verified work. Merges run one after another.
   * `result` is the commit `ref` holds and the base it was made on: made on the current head, it
   * fast-forwards the branch to itself, and the new head is known without asking git.
   */
  merge(ref: string, message: string, verify?: { command: string; setup?: string }, result?: { commit: string; base: string }): Promise<MergeOutcome> {
    const run = async (): Promise<MergeOutcome> => {
      const before = this._head;
      const ff = result?.base === before && (await git(['merge', '--quiet', '--ff-only', result.commit], { cwd: this.dir, allowFail: true })).code === 0;
      // Otherwise (or when it does not descend from its base after all) a merge commit.
      const r = ff ? undefined : await git(['merge', '--no-edit', '-m', message, ref], { cwd: this.dir, allowFail: true });
      if (!r || r.code === 0) {
        const head = ff ? result.commit : await gitOut(['rev-parse', 'HEAD'], { cwd: this.dir });
        if (verify) {
          const v = await this.verify(verify.command, verify.setup);
          if (!v.ok) {
            await git(['reset', '--quiet', '--hard', before], { cwd: this.dir });
            return { ok: false, verifyFailed: true, exitCode: v.exitCode, tail: v.tail };
          }
        }
        this._head = head;
        return { ok: true, head };
      }
      const conflicts = (await gitOut(['diff', '--name-only', '--diff-filter=U'], { cwd: this.dir })).split('\n').filter(Boolean);
      await git(['merge', '--abort'], { cwd: this.dir, allowFail: true });
      return { ok: false, conflicts, message: lastLines(r.stdout + r.stderr) };
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private setupDone = false;

  /** Runs `command` in the integration worktree (after `setup`, once per run). */
  private async verify(command: string, setup?: string): Promise<{ ok: boolean; exitCode: number | null; tail: string }> {
    if (setup && !this.setupDone) {
      const s = await runShell(setup, { cwd: this.dir });
      if (!s.ok) return { ...s, tail: `setup failed: ${s.tail}` };
      this.setupDone = true;
    }
    return runShell(command, { cwd: this.dir });
  }

  /** Removes the integration worktree; the run branch stays. */
  async close(): Promise<void> {
    await this.queue;
    await git(['worktree', 'remove', '--force', this.dir], { cwd: this.repo.root, allowFail: true });
    await git(['worktree', 'prune'], { cwd: this.repo.root, allowFail: true });
  }
}
