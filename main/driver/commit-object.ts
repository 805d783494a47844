/**
 * Commits written straight into a repository's object store, byte for byte as `git commit-tree -m`
 * writes them: a merge commit is a few lines of text, and writing it here spares the merge queue
 * one git process per merge. Only SHA-1 repositories; `open` says undefined for any other, and
 * the caller uses `commit-tree`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { git } from '../../shared/node/git.js';
import { COMMIT_AUTHOR } from '../../shared/constants.js';

/** A commit's time as git writes it: whole seconds since the epoch and a UTC offset in minutes. */
export interface CommitTime {
  seconds: number;
  offsetMinutes: number;
}

/** Now, in this machine's time zone, as `git commit-tree` would stamp it. */
export function commitTimeNow(date = new Date()): CommitTime {
  return { seconds: Math.floor(date.getTime() / 1000), offsetMinutes: -date.getTimezoneOffset() };
}

/** `+0130`, `-0500`: git's form of an offset. */
function zone(offsetMinutes: number): string {
  const abs = Math.abs(offsetMinutes);
  return `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** A commit object's text: headers, a blank line, the message ending in a newline (as `-m` makes it). */
export function commitText(tree: string, parents: readonly string[], message: string, when: CommitTime): string {
  const who = `${COMMIT_AUTHOR.name} <${COMMIT_AUTHOR.email}> ${when.seconds} ${zone(when.offsetMinutes)}`;
  const lines = [`tree ${tree}`, ...parents.map((p) => `parent ${p}`), `author ${who}`, `committer ${who}`, '', message];
  const text = lines.join('\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}

const OBJECT_ID = /^[0-9a-f]{40}$/;

/** Whether `s` is a full SHA-1 object id (not a ref name or an abbreviation). */
export function isObjectId(s: string): boolean {
  return OBJECT_ID.test(s);
}

export class ObjectStore {
  private constructor(private readonly objects: string) {}

  /** The object store of the repository at `dir` (a worktree's is its repository's), if it uses SHA-1. */
  static async open(dir: string): Promise<ObjectStore | undefined> {
    const r = await git(['rev-parse', '--show-object-format', '--git-path', 'objects'], { cwd: dir, allowFail: true });
    const [format, objects] = r.stdout.split('\n');
    return r.code === 0 && format === 'sha1' && objects ? new ObjectStore(resolve(dir, objects)) : undefined;
  }

  /** Writes the commit (unless it is there already) and returns its id. */
  async commit(tree: string, parents: readonly string[], message: string, when: CommitTime = commitTimeNow()): Promise<string> {
    for (const id of [tree, ...parents]) if (!isObjectId(id)) throw new Error(`not an object id: ${id}`);
    const body = Buffer.from(commitText(tree, parents, message, when), 'utf8');
    const object = Buffer.concat([Buffer.from(`commit ${body.length}\0`), body]);
    const id = createHash('sha1').update(object).digest('hex');
    const path = join(this.objects, id.slice(0, 2), id.slice(2));
    if (await stat(path).then(() => true, () => false)) return id;
    await mkdir(dirname(path), { recursive: true });
    // Whole or not at all, as git does it: written aside, then renamed into place.
    const tmp = join(dirname(path), `tmp_obj_${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(tmp, deflateSync(object), { mode: 0o444 });
      await rename(tmp, path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    return id;
  }
}
