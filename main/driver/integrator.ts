/**
 * Merges task results into the run branch, whose dedicated integration worktree is where verify
 * runs, so the user's checkout is never touched. Each merge is made in git's object store
 * (merge-commit.ts): a conflict is reported with the conflicting files and leaves nothing to undo.
 */
import { rm } from 'node:fs/promises';
import { runShell } from '../../shared/node/shell.js';
import { git } from '../../shared/node/git.js';
import { RUN_BRANCH_PREFIX } from '../../shared/constants.js';
import type { UserRepo } from './user-repo.js';
import { hasWriteTree, mergeCommit } from './merge-commit.js';
import { shortId } from '../../shared/short-id.js';

export type MergeOutcome =
  | { ok: true; head: string }
  | { ok: false; conflicts: string[]; message: string }
  | { ok: false; verifyFailed: true; exitCode: number | null; tail: string };


type Verify = { command: string; setup?: string };

interface PendingMerge {
  ref: string;
  message: string;
  verify: Verify | undefined;
  result: { commit: string; base: string } | undefined;
  resolve(outcome: MergeOutcome): void;
  reject(err: unknown): void;
}

export class Integrator {
  private readonly waiting: PendingMerge[] = [];
  private draining: Promise<void> | undefined;
  private _head: string;
  /** The run branch's moves, one after another (see moveBranch). */
  private moves: Promise<void> = Promise.resolve();
  private moveFailed: Error | undefined;

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
    // Behind the record is no merge undone: the branch follows the merges a moment after them.
    const past = was && was !== head && (await git(['merge-base', '--is-ancestor', was, head], { cwd: repo.root, allowFail: true })).code !== 0;
    await git(['update-ref', `refs/heads/${branch}`, head], { cwd: repo.root });
    await git(['worktree', 'add', '--quiet', dir, branch], { cwd: repo.root });
    return new Integrator(repo, branch, dir, head, past ? was : undefined);
  }

  /** The run branch's current commit: what a task that depends on merged tasks starts from. */
  get head(): string {
    return this._head;
  }

  /**
   * Merges `ref` into the run branch, then runs `verify` (if any) on the result; a failing verify
   * undoes the merge, so the branch only ever holds verified work. Merges are made one after
   * another, in the order asked; those that wait while one is made go in together (see drain).
   * `result` is the commit `ref` holds and the base it was made on (see mergeCommit).
   */
  merge(ref: string, message: string, verify?: Verify, result?: { commit: string; base: string }): Promise<MergeOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ref, message, verify, result, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /**
   * Takes the waiting merges in order, as many at once as share a verify command: each one's
   * commit made on the last, then the branch checked out, and verified, once for all of them.
   * When results arrive faster than one merge takes, the queue does not grow with them.
   */
  private async drain(): Promise<void> {
    await Promise.resolve(); // merges asked for in the same turn go in together too
    while (this.waiting.length > 0) {
      if (this.moveFailed) {
        for (const p of this.waiting.splice(0)) p.reject(this.moveFailed);
        break;
      }
      const first = this.waiting[0]!;
      const same = this.waiting.findIndex((p) => p.verify?.command !== first.verify?.command || p.verify?.setup !== first.verify?.setup);
      const batch = this.waiting.splice(0, same === -1 ? this.waiting.length : same);
      try {
        await this.mergeTogether(batch);
      } catch (err) {
        for (const p of batch) p.reject(err); // those already answered ignore it
      }
    }
    this.draining = undefined;
  }

  /** Answers come once the branch has its new head: a conflict's resolution starts from there. */
  private async mergeTogether(batch: readonly PendingMerge[]): Promise<void> {
    const before = this._head;
    let head = before;
    const merged: PendingMerge[] = [];
    const conflicted: Array<[PendingMerge, MergeOutcome]> = [];
    for (const p of batch) {
      const r = await mergeCommit(this.dir, head, p.ref, p.message, p.result);
      if ('conflicts' in r) conflicted.push([p, { ok: false, conflicts: r.conflicts, message: r.message }]);
      else {
        head = r.head;
        merged.push(p);
      }
    }
    if (merged.length > 0) {
      const verify = merged[0]!.verify;
      // Only a verify (or a merge made in the worktree) reads the checkout: else moving the branch
      // is enough, and far cheaper than writing every changed file (the next verify checks out).
      if (verify || !(await hasWriteTree(this.dir))) {
        await this.moves;
        await git(['reset', '--quiet', '--hard', head], { cwd: this.dir });
      } else this.moveBranch(head, before);
      const v = verify ? await this.verify(verify.command, verify.setup) : undefined;
      if (v && !v.ok) {
        await git(['reset', '--quiet', '--hard', before], { cwd: this.dir });
        if (batch.length === 1) return batch[0]!.resolve({ ok: false, verifyFailed: true, exitCode: v.exitCode, tail: v.tail });
        // One of them (or more) broke it: each again on its own, verified alone.
        for (const p of batch) await this.mergeTogether([p]);
        return;
      }
      this._head = head;
    }
    for (const p of merged) p.resolve({ ok: true, head });
    for (const [p, outcome] of conflicted) p.resolve(outcome);
  }

  /**
   * Moves the run branch from `from` to `to` after the moves asked before, off the merges' path:
   * a merged task's dependents start from `head`, which is already there. Checking `from` keeps
   * a branch moved by someone else as it is; the merges after that fail with the reason.
   */
  private moveBranch(to: string, from: string): void {
    this.moves = this.moves.then(async () => {
      if (this.moveFailed) return;
      await git(['update-ref', `refs/heads/${this.branch}`, to, from], { cwd: this.dir }).catch((err: Error) => { this.moveFailed = err; });
    });
  }

  /** Once every merge asked for so far is made and on the branch itself (see moveBranch); rejects if one could not be put there. */
  async settled(): Promise<void> {
    await this.draining;
    await this.moves;
    if (this.moveFailed) throw new Error(`${this.branch} was not moved to the run's merges (the last is ${shortId(this._head)}): ${this.moveFailed.message}`);
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

  /** Removes the integration worktree; the run branch stays. Rejects as `settled` does, once removed. */
  async close(): Promise<void> {
    const failed = await this.settled().then(() => undefined, (err: unknown) => err);
    await git(['worktree', 'remove', '--force', this.dir], { cwd: this.repo.root, allowFail: true });
    await git(['worktree', 'prune'], { cwd: this.repo.root, allowFail: true });
    if (failed) throw failed;
  }
}
