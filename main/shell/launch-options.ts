/**
 * What the desktop app takes from its command line and environment. Pure (no `electron` import).
 *
 *   --repo DIR        the repository runs start in (else the one saved in the settings)
 *   --data-dir DIR    where the app keeps its settings, identity, runs and local agent
 *   --no-mdns         do not look for agents on the LAN
 *
 * Development builds only (never a packaged app):
 *   CLAUDECLUSTER_AGENT_ARGS      a JSON array of extra arguments for the local agent, e.g.
 *                                 `["--claude-bin","/path/to/e2e/fixtures/fake-claude"]` (tests)
 */
import { resolve } from 'node:path';

export const AGENT_ARGS_ENV = 'CLAUDECLUSTER_AGENT_ARGS';

export interface LaunchOptions {
  repo: string | null;
  dataDir: string | undefined;
  mdns: boolean;
  localAgentArgs: string[] | undefined;
  /** Things that were ignored, for the log. */
  warnings: string[];
}

/**
 * Parses the app's own arguments out of `argv` (everything after the executable and, in
 * development, the entry script; Chromium switches such as `--inspect` are left alone).
 */
export function parseLaunchOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, packaged: boolean, cwd: string): LaunchOptions {
  const opts: LaunchOptions = { repo: null, dataDir: undefined, mdns: true, localAgentArgs: undefined, warnings: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--repo' || flag === '--data-dir') {
      const value = inline ?? argv[i + 1];
      if (inline === undefined) i++;
      if (!value) { opts.warnings.push(`${flag} needs a directory`); continue; }
      if (flag === '--repo') opts.repo = resolve(cwd, value);
      else opts.dataDir = resolve(cwd, value);
    } else if (flag === '--no-mdns') {
      opts.mdns = false;
    }
  }
  if (packaged) {
    if (env[AGENT_ARGS_ENV]) opts.warnings.push(`${AGENT_ARGS_ENV} is ignored in a packaged app`);
    return opts;
  }
  const agentArgs = env[AGENT_ARGS_ENV];
  if (agentArgs) {
    const parsed = parseArgList(agentArgs);
    if (parsed) opts.localAgentArgs = parsed;
    else opts.warnings.push(`${AGENT_ARGS_ENV} must be a JSON array of strings; ignored`);
  }
  return opts;
}

function parseArgList(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined; // Not JSON: reported by the caller as a warning.
  }
}
