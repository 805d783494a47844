/**
 * Test helpers: run the real Claude Code CLI (the pinned devDependency) headless against a mock
 * API, in a temp HOME and cwd that are removed afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claudeEnv, prepareClaudeHome, startMockApi, type MockApi, type Scenario } from './server.js';

/** This file runs from dist/e2e/mock-api/; the repository root is three levels up. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLAUDE_BIN = join(ROOT, 'node_modules', '.bin', 'claude');
/** A grace period between SIGTERM and SIGKILL when a test ends with the CLI still running. */
const KILL_GRACE_MS = 2_000;

/** One line of `--output-format stream-json`. */
export type StreamEvent = Record<string, unknown> & { type: string; subtype?: string };

export interface ClaudeRun {
  code: number | null;
  events: StreamEvent[];
  /** The last event, `type: "result"`, if the CLI printed one. */
  result: StreamEvent | undefined;
  stderr: string;
  elapsedMs: number;
}

/** A mock API, a prepared temp HOME and a temp cwd; `dispose()` removes all of them. */
export interface Sandbox {
  api: MockApi;
  home: string;
  cwd: string;
  /** Runs `claude -p PROMPT --output-format stream-json --verbose ...args` in `cwd`. */
  claude(prompt: string, args?: string[], env?: NodeJS.ProcessEnv): Promise<ClaudeRun>;
  dispose(): Promise<void>;
}

/** Parses stream-json output: only lines that start with `{`, as a PTY reader must. */
export function parseEvents(stdout: string): StreamEvent[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as StreamEvent);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    child.once('exit', () => { clearTimeout(timer); done(); });
    child.kill('SIGTERM');
  });
}

/** `scenario` may be a function of the cwd, for tool inputs that need absolute paths. */
export async function createSandbox(scenario: Scenario | ((cwd: string) => Scenario)): Promise<Sandbox> {
  const home = await mkdtemp(join(tmpdir(), 'cc-mock-home-'));
  const cwd = await mkdtemp(join(tmpdir(), 'cc-mock-cwd-'));
  const removeDirs = () => Promise.all([home, cwd].map((d) => rm(d, { recursive: true, force: true })));
  let api: MockApi;
  try {
    await prepareClaudeHome(home, { trustDirs: [cwd] });
    api = await startMockApi(typeof scenario === 'function' ? scenario(cwd) : scenario);
  } catch (err) {
    await removeDirs();
    throw err;
  }
  const running = new Set<ChildProcess>();

  const claude = (prompt: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ClaudeRun> => {
    const started = Date.now();
    const child = spawn(CLAUDE_BIN, ['-p', prompt, '--output-format', 'stream-json', '--verbose', ...args], {
      cwd,
      env: { ...claudeEnv(api, home), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    return new Promise((done, fail) => {
      child.once('error', fail);
      child.once('close', (code) => {
        running.delete(child);
        const events = parseEvents(stdout);
        const last = events.at(-1);
        done({ code, events, result: last?.type === 'result' ? last : undefined, stderr, elapsedMs: Date.now() - started });
      });
    });
  };

  const dispose = async (): Promise<void> => {
    await Promise.all([...running].map(stop));
    await api.close();
    await removeDirs();
  };
  return { api, home, cwd, claude, dispose };
}
