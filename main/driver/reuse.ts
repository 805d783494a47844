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

/** Outside refs/claudecluster/, which a finished run empties: these outlive their run. */
export const REUSE_REF_PREFIX = 'refs/claudecluster-reuse/';

export type ReuseInput = Pick<TaskSpec, 'prompt' | 'session' | 'setup' | 'verify' | 'base'>;

export class ResultReuse {
  /** Tree of each base asked about: most tasks of a run share a few bases. */
  private readonly trees = new Map<string, Promise<string>>();

  private constructor(private readonly repo: UserRepo, private readonly known: Map<string, string>) {}

  /** Loads the results recorded so far (key → commit). */
  static async open(repo: UserRepo): Promise<ResultReuse> {
    const out = await gitOut(['for-each-ref', '--format=%(refname) %(objectname)', REUSE_REF_PREFIX], { cwd: repo.root });
    const known = new Map<string, string>();
    for (const line of out.split('\n').filter(Boolean)) {
      const [ref = '', commit = ''] = line.split(' ');
      known.set(ref.slice(REUSE_REF_PREFIX.length), commit);
    }
    return new ResultReuse(repo, known);
  }

  /** What makes two tasks the same piece of work. */
  async key(spec: ReuseInput): Promise<string> {
    const tree = await this.treeOf(spec.base);
    const what = JSON.stringify({ prompt: spec.prompt, session: spec.session, setup: spec.setup ?? null, verify: spec.verify ?? null, tree });
    return createHash('sha256').update(what).digest('hex');
  }

  private treeOf(commit: string): Promise<string> {
    let tree = this.trees.get(commit);
    if (!tree) {
      tree = gitOut(['rev-parse', `${commit}^{tree}`], { cwd: this.repo.root });
      this.trees.set(commit, tree);
      tree.catch(() => this.trees.delete(commit));
    }
    return tree;
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

  /** Records a merged result for later runs. */
  async remember(spec: ReuseInput, commit: string): Promise<void> {
    const key = await this.key(spec);
    await git(['update-ref', `${REUSE_REF_PREFIX}${key}`, commit], { cwd: this.repo.root });
    this.known.set(key, commit);
  }
}
