/**
 * Running the real Claude Code CLI (2.1.197) against the mock: the environment that keeps it on
 * 127.0.0.1, and a HOME whose ~/.claude.json skips the TUI's first-run dialogs. Each setting
 * below was checked on 2.1.197 (strace of every connect(), and the TUI run in a PTY): README.md.
 */
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A dummy key: any non-empty ANTHROPIC_API_KEY makes the CLI call the API with it. */
export const MOCK_API_KEY = 'sk-ant-api03-mock-key-for-offline-tests-0000000000';
/** The CLI remembers an approved key by its last this-many characters. */
const KEY_SUFFIX_CHARS = 20;
/** Default retries (the CLI's own default is 10, even for a 401): fail fast in tests. */
const DEFAULT_MAX_RETRIES = '0';
/** Passed through from the parent so the CLI finds git, a shell and a temp dir. */
const INHERITED = ['PATH', 'TMPDIR', 'LANG', 'LC_ALL', 'TERM'] as const;

/**
 * The environment for running the real CLI against `api` with HOME=`home`. Built from scratch,
 * not from process.env: a parent's ANTHROPIC_*, CLAUDE_CONFIG_DIR or CLAUDECODE (set when the
 * tests themselves run inside Claude Code) would change what the CLI does. Override a value by
 * spreading, e.g. `{ ...claudeEnv(api, home), CLAUDE_CODE_MAX_RETRIES: '2' }`.
 */
export function claudeEnv(api: { url: string }, home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name];
  return {
    ...env,
    HOME: home,
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_API_KEY: MOCK_API_KEY,
    CLAUDE_CODE_MAX_RETRIES: DEFAULT_MAX_RETRIES,
    // Without it the CLI resolves api.anthropic.com even in -p, and the TUI reaches out more;
    // it also turns off telemetry, error reports and update checks.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // Not covered by the above: the TUI otherwise fetches the official plugin marketplace from
    // downloads.claude.ai and git-clones github.com/anthropics/claude-plugins-official.
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
    // Belt and braces for the traffic the variable above already stops.
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
  };
}

export interface ClaudeHomeOptions {
  /** Directories whose "Do you trust the files in this folder?" dialog counts as accepted. */
  trustDirs?: string[];
  /** The key to pre-approve ("Detected a custom API key"); defaults to MOCK_API_KEY. */
  apiKey?: string;
}

interface ProjectEntry { hasTrustDialogAccepted?: boolean; [key: string]: unknown }
interface ClaudeJson { projects?: Record<string, ProjectEntry>; [key: string]: unknown }

async function readClaudeJson(file: string): Promise<ClaudeJson> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ClaudeJson;
  } catch {
    return {}; // Missing (the usual case: a fresh temp HOME) or unreadable: start afresh.
  }
}

/**
 * Writes `home/.claude.json` so the TUI opens straight at its prompt: onboarding done
 * (`hasCompletedOnboarding`), the API key approved (`customApiKeyResponses.approved`, the key's
 * last 20 characters) and each of `trustDirs` trusted (`projects[dir].hasTrustDialogAccepted`,
 * keyed by the absolute path the CLI sees as its cwd). Keeps other keys already in the file.
 */
export async function prepareClaudeHome(home: string, opts: ClaudeHomeOptions = {}): Promise<void> {
  await mkdir(home, { recursive: true });
  const file = join(home, '.claude.json');
  const config = await readClaudeJson(file);
  const projects = { ...config.projects };
  for (const dir of opts.trustDirs ?? []) {
    // The CLI keys projects by its cwd; list the real path too in case `dir` has a symlink in it.
    for (const key of new Set([resolve(dir), await realpath(dir).catch(() => resolve(dir))])) {
      projects[key] = { ...projects[key], hasTrustDialogAccepted: true };
    }
  }
  const key = opts.apiKey ?? MOCK_API_KEY;
  const next: ClaudeJson = {
    ...config,
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved: [key.slice(-KEY_SUFFIX_CHARS)], rejected: [] },
    projects,
  };
  await writeFile(file, `${JSON.stringify(next, null, 2)}\n`);
}
