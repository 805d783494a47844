/** What the agent's Claude Code is and whether it is logged in, so drivers never schedule blind. */
import { execFile } from 'node:child_process';
import type { ClaudePreflight } from '../shared/protocol/control.js';

/** `claude --version` and `auth status` can take a moment on a cold start; never longer than this. */
const CHECK_TIMEOUT_MS = 20_000;

function run(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(bin, args, { env, timeout: CHECK_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, stdout) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stdout: String(stdout), missing: e?.code === 'ENOENT' || e?.code === 'EACCES' });
    });
  });
}

export async function checkClaude(bin: string, env: NodeJS.ProcessEnv): Promise<ClaudePreflight> {
  const version = await run(bin, ['--version'], env);
  if (version.missing || version.code !== 0) {
    return { version: null, loggedIn: false, problem: `Claude Code was not found at "${bin}": install it (npm install -g @anthropic-ai/claude-code) or start the agent with --claude-bin PATH` };
  }
  const v = version.stdout.trim().split('\n')[0]?.slice(0, 100) ?? null;
  const auth = await run(bin, ['auth', 'status', '--json'], env);
  let status: { loggedIn?: unknown; authMethod?: unknown } = {};
  try {
    status = JSON.parse(auth.stdout) as typeof status;
  } catch {
    // Not JSON: treated as not logged in below, with what to run.
  }
  const loggedIn = status.loggedIn === true;
  return {
    version: v,
    loggedIn,
    ...(typeof status.authMethod === 'string' ? { authMethod: status.authMethod.slice(0, 40) } : {}),
    ...(loggedIn ? {} : { problem: 'Claude Code is not logged in on this machine: run "claude" there and log in (or give the agent ANTHROPIC_API_KEY)' }),
  };
}

/** How long a preflight result is trusted before the next agent.info re-checks in the background. */
const PREFLIGHT_MAX_AGE_MS = 30_000;

/** The latest preflight, refreshed in the background so a fixed login is noticed without a restart. */
export class Preflight {
  private result: ClaudePreflight = { version: null, loggedIn: false, problem: 'not checked yet' };
  private checkedAt = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly bin: string, private readonly env: NodeJS.ProcessEnv) {}

  refresh(): Promise<void> {
    this.running ??= checkClaude(this.bin, this.env).then((r) => {
      this.result = r;
      this.checkedAt = Date.now();
    }).finally(() => { this.running = undefined; });
    return this.running;
  }

  current(): ClaudePreflight {
    if (Date.now() - this.checkedAt > PREFLIGHT_MAX_AGE_MS) void this.refresh();
    return this.result;
  }
}
