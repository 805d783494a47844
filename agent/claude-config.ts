/**
 * Claude Code shows three screens that would wait for a person in an unattended session: first-run
 * onboarding, the folder-trust dialog for a new directory, and the confirmation of a custom API key.
 * Before a session starts, the agent records the answers in Claude Code's own config (the
 * `~/.claude.json` of the agent's user, or `$CLAUDE_CONFIG_DIR/.claude.json`): onboarding done, the
 * task's worktree — a directory the agent itself created — trusted, and the key the machine's owner
 * gave the agent approved. The entries of the agent's own worktrees that are gone are removed, so the
 * file does not grow with every worktree the agent ever made. Nothing else in the file changes. If a
 * screen still waits, the session's watchdog reports needs-input (tui-session.ts). Running sessions
 * and other agents of the same user write the file too: each change is made under the lock Claude
 * Code itself takes on it (proper-lockfile's `<file>.lock`), so none is lost.
 */
import { access, readFile, rename, writeFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import { lock, type LockOptions } from 'proper-lockfile';

/** Claude Code keeps the last 20 characters of an approved key. */
export const KEY_SUFFIX_CHARS = 20;
/** A lock not refreshed for this long was left by a holder that died: it is taken over (Claude Code's figure too). */
const LOCK_STALE_MS = 10_000;
/** The lock is held for a read and a write; tries are this far apart at most, for longer than a lock takes to go stale. */
const LOCK_RETRY_MAX_MS = 100;
const LOCK_RETRIES = { retries: Math.ceil((1.2 * LOCK_STALE_MS) / LOCK_RETRY_MAX_MS), minTimeout: 10, maxTimeout: LOCK_RETRY_MAX_MS };

const lockOptions = (path: string): LockOptions => ({
  lockfilePath: `${path}.lock`,
  realpath: false,
  stale: LOCK_STALE_MS,
  retries: LOCK_RETRIES,
  // Held for milliseconds; a holder that lost it as stale has nothing to undo.
  onCompromised: () => undefined,
});

export class ClaudeDialogs {
  private queue: Promise<unknown> = Promise.resolve();

  /** `worktrees`: the directory the agent makes its worktrees in. */
  constructor(private readonly env: NodeJS.ProcessEnv, private readonly worktrees: string) {}

  get configPath(): string {
    const dir = this.env['CLAUDE_CONFIG_DIR'];
    return dir ? join(dir, '.claude.json') : join(this.env['HOME'] ?? homedir(), '.claude.json');
  }

  /** Records the answers for a session in `worktree`; one write at a time. */
  prepare(worktree: string): Promise<void> {
    return this.enqueue(worktree);
  }

  /** Removes the entries of all the agent's worktrees (it is stopping: the next start makes new ones). */
  forgetWorktrees(): Promise<void> {
    return this.enqueue(undefined);
  }

  private enqueue(worktree: string | undefined): Promise<void> {
    const next = this.queue.then(() => this.update(worktree));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async update(worktree: string | undefined): Promise<void> {
    const path = this.configPath;
    const release = await lock(path, lockOptions(path));
    try {
      await this.edit(path, worktree);
    } finally {
      await release();
    }
  }

  private async edit(path: string, worktree: string | undefined): Promise<void> {
    let config: Record<string, unknown> = {};
    let mode = 0o600;
    try {
      config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      mode = (await stat(path)).mode & 0o777;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read Claude Code's config ${path}: ${(err as Error).message}`);
    }
    const before = JSON.stringify(config);
    const projects = (config['projects'] ?? {}) as Record<string, Record<string, unknown>>;
    for (const dir of await this.entriesToDrop(Object.keys(projects), worktree === undefined)) delete projects[dir];
    if (worktree === undefined) return this.write(path, config, before, mode);
    config['hasCompletedOnboarding'] = true;
    projects[worktree] = { ...projects[worktree], hasTrustDialogAccepted: true };
    config['projects'] = projects;
    const key = this.env['ANTHROPIC_API_KEY'];
    if (key) {
      const suffix = key.slice(-KEY_SUFFIX_CHARS);
      const answers = (config['customApiKeyResponses'] ?? {}) as { approved?: string[]; rejected?: string[] };
      config['customApiKeyResponses'] = {
        ...answers,
        approved: [...new Set([...(answers.approved ?? []), suffix])],
        rejected: (answers.rejected ?? []).filter((s) => s !== suffix),
      };
    }
    return this.write(path, config, before, mode);
  }

  /** Replaces the file with `config` when it differs from `before`. */
  private async write(path: string, config: Record<string, unknown>, before: string, mode: number): Promise<void> {
    if (JSON.stringify(config) === before) return;
    const tmp = `${path}.${process.pid}.claudecluster.tmp`;
    await writeFile(tmp, JSON.stringify(config, null, 2), { mode });
    await rename(tmp, path);
  }

  /** Of the config's project `dirs`, the agent's own worktrees that no longer exist, or (`everyOwn`) all of them. */
  private async entriesToDrop(dirs: readonly string[], everyOwn: boolean): Promise<string[]> {
    const own = dirs.filter((dir) => dir.startsWith(this.worktrees + sep));
    if (everyOwn) return own;
    const gone = await Promise.all(own.map((dir) => access(dir).then(() => false, () => true)));
    return own.filter((_, i) => gone[i]);
  }
}
