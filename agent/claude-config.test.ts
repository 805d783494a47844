import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaudeDialogs, KEY_SUFFIX_CHARS } from './claude-config.js';

interface Scratch {
  /** Holds the config, as CLAUDE_CONFIG_DIR. */
  dir: string;
  /** The agent's worktrees directory. */
  work: string;
  config: string;
}

/** Runs `fn` with a fresh scratch directory, removed afterwards. */
async function inScratch(fn: (s: Scratch) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-claude-config-'));
  try {
    const work = join(dir, 'work');
    await mkdir(work);
    await fn({ dir, work, config: join(dir, '.claude.json') });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Config {
  theme?: string;
  hasCompletedOnboarding?: boolean;
  projects: Record<string, unknown>;
  customApiKeyResponses?: { approved: string[]; rejected: string[] };
}
const read = async (path: string): Promise<Config> => JSON.parse(await readFile(path, 'utf8')) as Config;
const KEY = 'sk-ant-0123456789abcdefghijklmnop';

test('the answers for a session are recorded, and nothing else of the file changes', () => inScratch(async (s) => {
  const mine = join(s.work, 'repo-1');
  await mkdir(mine);
  const other = { theme: 'dark', projects: { '/home/u/src': { allowedTools: ['Bash'], hasTrustDialogAccepted: false } } };
  await writeFile(s.config, JSON.stringify(other), { mode: 0o640 });
  await new ClaudeDialogs({ CLAUDE_CONFIG_DIR: s.dir, ANTHROPIC_API_KEY: KEY }, s.work).prepare(mine);
  const after = await read(s.config);
  assert.equal(after.theme, 'dark');
  assert.equal(after.hasCompletedOnboarding, true);
  assert.deepEqual(after.projects['/home/u/src'], other.projects['/home/u/src']);
  assert.deepEqual(after.projects[mine], { hasTrustDialogAccepted: true });
  assert.deepEqual(after.customApiKeyResponses, { approved: [KEY.slice(-KEY_SUFFIX_CHARS)], rejected: [] }, 'the key is approved by its last characters');
  assert.equal((await stat(s.config)).mode & 0o777, 0o640, 'the file keeps its mode');
}));

test('entries of the agent\'s own worktrees that are gone are removed; those that exist and any others stay', () => inScratch(async (s) => {
  const kept = join(s.work, 'repo-kept');
  const next = join(s.work, 'repo-next');
  await mkdir(kept);
  await mkdir(next);
  const gone = Array.from({ length: 3 }, (_, i) => join(s.work, `repo-gone-${i}`));
  // A directory beside the agent's that only starts with the same name is not one of its worktrees.
  const elsewhere = [`${s.work}-other/repo`, join(s.dir, 'missing-project')];
  const projects = Object.fromEntries([kept, ...gone, ...elsewhere].map((dir) => [dir, { hasTrustDialogAccepted: true }]));
  await writeFile(s.config, JSON.stringify({ hasCompletedOnboarding: true, projects }));
  await new ClaudeDialogs({ CLAUDE_CONFIG_DIR: s.dir }, s.work).prepare(next);
  assert.deepEqual(Object.keys((await read(s.config)).projects).sort(), [kept, next, ...elsewhere].sort());
}));

test('a stopping agent forgets all its worktrees; a file it never wrote is not made', () => inScratch(async (s) => {
  const live = join(s.work, 'repo-live');
  await mkdir(live);
  const dialogs = new ClaudeDialogs({ CLAUDE_CONFIG_DIR: s.dir }, s.work);
  await dialogs.forgetWorktrees();
  await assert.rejects(stat(s.config), /ENOENT/);
  await writeFile(s.config, JSON.stringify({ projects: { '/home/u/src': { hasTrustDialogAccepted: true } } }));
  await dialogs.prepare(live);
  await dialogs.forgetWorktrees();
  assert.deepEqual(await read(s.config), { hasCompletedOnboarding: true, projects: { '/home/u/src': { hasTrustDialogAccepted: true } } });
}));

test('agents writing the same config at once lose none of each other\'s entries', () => inScratch(async (s) => {
  const AGENTS = 12;
  const worktrees = await Promise.all(Array.from({ length: AGENTS }, async (_, i) => {
    const dir = join(s.dir, `agent-${i}`, 'work', 'repo-1');
    await mkdir(dir, { recursive: true });
    return dir;
  }));
  await writeFile(s.config, JSON.stringify({ projects: {} }));
  await Promise.all(worktrees.map((dir, i) => new ClaudeDialogs({ CLAUDE_CONFIG_DIR: s.dir }, join(s.dir, `agent-${i}`, 'work')).prepare(dir)));
  assert.deepEqual(Object.keys((await read(s.config)).projects).sort(), [...worktrees].sort());
}));

test('a lock left by a holder that died is taken over once stale', () => inScratch(async (s) => {
  const mine = join(s.work, 'repo-1');
  await mkdir(mine);
  const lockDir = `${s.config}.lock`;
  await mkdir(lockDir);
  const minuteAgo = new Date(Date.now() - 60_000);
  await utimes(lockDir, minuteAgo, minuteAgo);
  await new ClaudeDialogs({ CLAUDE_CONFIG_DIR: s.dir }, s.work).prepare(mine);
  assert.deepEqual(Object.keys((await read(s.config)).projects), [mine]);
  await assert.rejects(stat(lockDir), /ENOENT/, 'and released');
}));
