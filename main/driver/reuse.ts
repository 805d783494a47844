/**
 * Result reuse: a task identical to one already completed — same prompt, session options,
 * setup and verify, on the same base tree — takes that result instead of running again. The
 * record is a ref in the user's repo, so it lasts across runs and costs nothing to keep. The
 * refs are listed once per run, so a task with nothing to reuse costs no git process to check.
 */
import { createHash } from 'node:crypto';
import { git, gitOut } from '../../shared/node/git.js';
import type { TaskSpec } from '../../shared/protocol/control.js';
import type { UserRepo } from './user-repo.js';
import { memoUnlessFailed } from '../../shared/memo.js';

/** Outside refs/claudecluster/, which a finished run empties: these outlive their run. */
export const REUSE_REF_PREFIX = 'refs/claudecluster-reuse/';

export type ReuseInput = Pick<TaskSpec, 'prompt' | 'session' | 'setup' | 'verify' | 'base'>;

interface Unwritten {
  spec: ReuseInput;
  commit: string;
  written(): void;
  failed(err: unknown): void;
}

export class ResultReuse {
  /** Tree of each base asked about: most tasks of a run share a few bases. */
  private readonly trees = new Map<string, Promise<string>>();
  /** Records waiting to be written, and the writing of those before them. */
  private readonly unwritten: Unwritten[] = [];
  private writing: Promise<void> | undefined;

  /** Results recorded so far: key → commit. */
  private readonly known = new Map<string, string>();

  private constructor(private readonly repo: UserRepo) {}

  /**
   * Loads the results recorded so far. The tree of `base`, where a run's first tasks all start,
   * is looked up meanwhile: not on their way to an agent.
   */
  static async open(repo: UserRepo, base?: string): Promise<ResultReuse> {
    const reuse = new ResultReuse(repo);
    const [out] = await Promise.all([
      gitOut(['for-each-ref', '--format=%(refname) %(objectname)', REUSE_REF_PREFIX], { cwd: repo.root }),
      base === undefined ? undefined : reuse.treeOf(base).catch(() => undefined), // a failed lookup is made again when asked
    ]);
    for (const line of out.split('\n').filter(Boolean)) {
      const [ref = '', commit = ''] = line.split(' ');
      reuse.known.set(ref.slice(REUSE_REF_PREFIX.length), commit);
    }
    return reuse;
  }

  /** What makes two tasks the same piece of work. */
  async key(spec: ReuseInput): Promise<string> {
    const tree = await this.treeOf(spec.base);
    const what = JSON.stringify({ prompt: spec.prompt, session: spec.session, setup: spec.setup ?? null, verify: spec.verify ?? null, tree });
    return createHash('sha256').update(what).digest('hex');
  }

  private treeOf(commit: string): Promise<string> {
    const known = this.trees.get(commit);
    if (known) return known;
    const tree = gitOut(['rev-parse', `${commit}^{tree}`], { cwd: this.repo.root });
    return memoUnlessFailed(this.trees, commit, tree, tree);
  }

  /**
   * The earlier result of identical work replayed onto `spec.base` (its tree, with the base as
   * parent), or undefined when there is none.
   */
  async find(spec: ReuseInput, message: string): Promise<string | undefined> {
    if (this.known.size === 0) return undefined;
    const earlier = this.known.get(await this.key(spec));
    if (!earlier) return undefined;
    const tree = await this.treeOf(earlier);
    return gitOut(['commit-tree', tree, '-p', spec.base, '-m', message], { cwd: this.repo.root });
  }

  /**
   * Records a merged result for later runs. Those asked for while others are written go in
   * together: their bases' trees in one git process, their refs in another.
   */
  remember(spec: ReuseInput, commit: string): Promise<void> {
    return new Promise((written, failed) => {
      this.unwritten.push({ spec, commit, written, failed });
      this.writing ??= this.write();
    });
  }

  /** Once every record asked for so far is written (or failed). */
  async settled(): Promise<void> {
    await this.writing;
  }

  private async write(): Promise<void> {
    await Promise.resolve(); // records asked for in the same turn go in together
    while (this.unwritten.length > 0) {
      let batch = this.unwritten.splice(0);
      try {
        await this.treesOf(batch.map((r) => r.spec.base)).catch(() => undefined); // each key says what failed
        const keys = await Promise.allSettled(batch.map((r) => this.key(r.spec)));
        const keyed: Array<[Unwritten, string]> = [];
        keys.forEach((k, i) => (k.status === 'fulfilled' ? keyed.push([batch[i]!, k.value]) : batch[i]!.failed(k.reason)));
        batch = keyed.map(([r]) => r);
        const input = keyed.map(([r, key]) => `update ${REUSE_REF_PREFIX}${key} ${r.commit}\n`).join('');
        if (input) await git(['update-ref', '--stdin'], { cwd: this.repo.root, input });
        for (const [r, key] of keyed) {
          this.known.set(key, r.commit);
          r.written();
        }
      } catch (err) {
        for (const r of batch) r.failed(err);
      }
    }
    this.writing = undefined;
  }

  /** The trees of `commits` not asked about before, in one git process. */
  private async treesOf(commits: readonly string[]): Promise<void> {
    const fresh = [...new Set(commits)].filter((c) => !this.trees.has(c));
    if (fresh.length === 0) return;
    const out = gitOut(['cat-file', '--batch-check=%(objectname)'], { cwd: this.repo.root, input: fresh.map((c) => `${c}^{tree}\n`).join('') }).then((o) => o.split('\n'));
    fresh.forEach((c, i) => {
      // A commit git does not know answers `<name> missing`: that lookup fails, the others stand.
      const tree = out.then((lines) => lines[i]?.includes(' ') || !lines[i] ? Promise.reject(new Error(`no tree for ${c}`)) : lines[i]!);
      memoUnlessFailed(this.trees, c, tree, tree);
    });
    await out;
  }
}
