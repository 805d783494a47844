/**
 * The user's repository, as the driver sees it. Only refs under refs/claudecluster/ and the
 * run branch are ever written; the user's checkout, branch and files are never touched.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { git, gitOut } from '../../shared/node/git.js';
import { readBundleHeader, type BundleHeader } from '../../shared/node/bundle-header.js';
import { packBundle } from '../../shared/node/pack-bundle.js';
import { indexBundlePack } from '../../shared/node/index-pack.js';
import type { BundleSource } from '../../shared/node/bundle-source.js';
import { RESULT_REF_PREFIX } from '../../shared/constants.js';

/** Bad input about the repo: reported with exit code 2 before anything starts. */
export class RepoInputError extends Error {
  override readonly name = 'RepoInputError';
}

export class UserRepo {
  /** `packDir` is where git keeps this repo's packs (`.git/objects/pack`, unless it is elsewhere). */
  private constructor(readonly root: string, readonly repoId: string, private readonly packDir: string) {}

  static async open(dir: string): Promise<UserRepo> {
    const abs = resolve(dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new RepoInputError(`--repo ${dir}: no such directory`);
    const top = await git(['rev-parse', '--show-toplevel'], { cwd: abs, allowFail: true });
    if (top.code !== 0) throw new RepoInputError(`${abs} is not a git repository (run "git init" and commit, or pass --repo DIR)`);
    const root = top.stdout.trim();
    const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: root, allowFail: true });
    if (head.code !== 0) throw new RepoInputError(`${root} has no commits yet: commit something first, tasks start from a commit`);
    // One cache per origin on each agent: identify the repo by its root commit(s), which every clone shares.
    const [roots, packDir] = await Promise.all([
      gitOut(['rev-list', '--max-parents=0', 'HEAD'], { cwd: root }).then((out) => out.split('\n').sort().join('\n')),
      gitOut(['rev-parse', '--git-path', 'objects/pack'], { cwd: root }).then((p) => resolve(root, p)),
    ]);
    return new UserRepo(root, createHash('sha256').update(roots).digest('hex'), packDir);
  }

  /** Resolves a branch, tag or commit to a commit id; a RepoInputError naming `rev` if it is not one. */
  async resolveCommit(rev: string): Promise<string> {
    const r = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: this.root, allowFail: true });
    if (r.code !== 0) throw new RepoInputError(`"${rev}" is not a branch, tag or commit in ${this.root}`);
    return r.stdout.trim();
  }

  /** True when the working tree has changes not in HEAD (they are not sent to agents). */
  async hasUncommittedChanges(): Promise<boolean> {
    return (await gitOut(['status', '--porcelain', '--untracked-files=normal'], { cwd: this.root })).length > 0;
  }


  /** Of `oids`, those this repo has as commits. */
  knownCommits(oids: readonly string[]): Promise<string[]> {
    return knownCommits(this.root, oids);
  }

  /**
   * Writes a bundle with `commit` and every object it needs that the `known` commits (all in
   * this repo) lack. Returns false when they already hold everything (nothing to send).
   */
  bundle(commit: string, known: readonly string[], out: string): Promise<boolean> {
    return packBundle(this.root, commit, known, out);
  }

  /**
   * Takes a result bundle's objects in, each one checked and nothing missing (see index-pack.ts):
   * the agent is not trusted to send a complete history. Nothing refers to them yet (see
   * pinResult).
   */
  async takeResult(bundle: BundleSource, commit: string): Promise<void> {
    let header: BundleHeader;
    try {
      header = await readBundleHeader(bundle);
    } catch (err) {
      throw new Error(`result bundle rejected: ${(err as Error).message}`);
    }
    if (!header.refs.some((r) => r.oid === commit)) throw new Error(`result bundle does not carry commit ${commit}`);
    const refused = await indexBundlePack(this.root, this.packDir, bundle, header.packAt, commit);
    if (refused) throw new Error(`result bundle rejected: ${refused}`);
  }

  /** Points `ref` at a result taken in: until then nothing holds its objects, and gc prunes such objects after some weeks. */
  async pinResult(ref: string, commit: string): Promise<void> {
    await git(['update-ref', ref, commit], { cwd: this.root });
  }

  resultRef(runId: string, taskId: string): string {
    return `${RESULT_REF_PREFIX}${runId}/${taskId}`;
  }
}

/** Of `oids`, those the repository at `root` has as commits (one git process). */
export async function knownCommits(root: string, oids: readonly string[]): Promise<string[]> {
  if (oids.length === 0) return [];
  const out = await gitOut(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: root, input: oids.join('\n') + '\n' });
  return out.split('\n').map((l) => l.split(' ')).filter(([, type]) => type === 'commit').map(([oid]) => oid!);
}
