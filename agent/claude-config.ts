/**
 * Claude Code shows three screens that would wait for a person in an unattended session: first-run
 * onboarding, the folder-trust dialog for a new directory, and the confirmation of a custom API key.
 * Before a session starts, the agent records the answers in Claude Code's own config (the
 * `~/.claude.json` of the agent's user, or `$CLAUDE_CONFIG_DIR/.claude.json`): onboarding done, the
 * task's worktree — a directory the agent itself created — trusted, and the key the machine's owner
 * gave the agent approved. Nothing else in the file changes. If a screen still waits, the session's
 * watchdog reports needs-input (tui-session.ts).
 */
import { readFile, rename, writeFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Claude Code keeps the last 20 characters of an approved key. */
const KEY_SUFFIX_CHARS = 20;

export class ClaudeDialogs {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  get configPath(): string {
    const dir = this.env['CLAUDE_CONFIG_DIR'];
    return dir ? join(dir, '.claude.json') : join(this.env['HOME'] ?? homedir(), '.claude.json');
  }

  /** Records the answers for a session in `worktree`; one write at a time. */
  prepare(worktree: string): Promise<void> {
    const next = this.queue.then(() => this.update(worktree));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async update(worktree: string): Promise<void> {
    const path = this.configPath;
    let config: Record<string, unknown> = {};
    let mode = 0o600;
    try {
      config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      mode = (await stat(path)).mode & 0o777;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read Claude Code's config ${path}: ${(err as Error).message}`);
    }
    const before = JSON.stringify(config);
    config['hasCompletedOnboarding'] = true;
    const projects = (config['projects'] ?? {}) as Record<string, Record<string, unknown>>;
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
    if (JSON.stringify(config) === before) return;
    const tmp = `${path}.${process.pid}.claudecluster.tmp`;
    await writeFile(tmp, JSON.stringify(config, null, 2), { mode });
    await rename(tmp, path);
  }
}
