/**
 * Helpers for tests that run the real binaries: temp dirs, git repos, agent processes and CLI
 * runs. Every process and directory a test starts is registered and cleaned up by `cleanup()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { watchEvents, type Event } from './ndjson-process.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root (this file runs from dist/e2e/). */
export const ROOT = resolve(HERE, '..', '..');
export const AGENT_BIN = join(ROOT, 'dist', 'agent', 'bin.js');
export const CLI_BIN = join(ROOT, 'dist', 'main', 'cli', 'bin.js');
export const FAKE_CLAUDE = join(ROOT, 'e2e', 'fixtures', 'fake-claude');

/** Default wait for a condition in tests: generous, since CI machines are slow and noisy. */
export const WAIT_MS = 30_000;

export class Scope {
  private readonly dirs: string[] = [];
  private readonly procs: ChildProcess[] = [];

  async tmp(prefix = 'cc-test-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  track(p: ChildProcess): ChildProcess {
    this.procs.push(p);
    return p;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.procs.map((p) => stop(p)));
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
export function stop(p: ChildProcess, graceMs = 5_000): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => p.kill('SIGKILL'), graceMs);
    p.once('exit', () => { clearTimeout(t); res(); });
    p.kill('SIGTERM');
  });
}

/** A git repository with `files` committed on branch main. */
export async function makeRepo(dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const g = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  g('init', '-q', '-b', 'main');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  g('add', '-A');
  g('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'initial');
  return dir;
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
}

export interface AgentProc {
  proc: ChildProcess;
  peerId: string;
  addr: string;
  fingerprint: string;
  /** Every NDJSON event the agent printed so far. */
  events: Event[];
  /** Resolves with the first event (past or future) that matches. */
  waitEvent(match: (e: Event) => boolean, ms?: number): Promise<Event>;
}

/** Starts `claudecluster-agent --json` on loopback (no mDNS) unless `args` say otherwise. */
export async function startAgent(scope: Scope, opts: { dataDir: string; args?: string[]; env?: NodeJS.ProcessEnv; wrap?: string[] }): Promise<AgentProc> {
  const args = [AGENT_BIN, '--data-dir', opts.dataDir, '--json', '--claude-bin', FAKE_CLAUDE, ...(opts.args ?? ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'])];
  const [cmd, ...pre] = opts.wrap ?? [];
  const proc = scope.track(cmd ? spawn(cmd, [...pre, process.execPath, ...args], { env: { ...process.env, ...opts.env } }) : spawn(process.execPath, args, { env: { ...process.env, ...opts.env } }));
  const { events, waitEvent } = watchEvents(proc, 'agent');
  const listening = await waitEvent((e) => e['type'] === 'listening');
  const addrs = listening['addrs'] as string[];
  return { proc, peerId: String(listening['peerId']), addr: addrs[0]!, fingerprint: String(listening['fingerprint']), events, waitEvent };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as NDJSON (lines that are not JSON are skipped). */
  events: Array<Record<string, unknown>>;
}

export interface CliProc {
  proc: ChildProcess;
  events: Event[];
  waitEvent(match: (e: Event) => boolean, ms?: number): Promise<Event>;
  /** Resolves with the exit code once the CLI has ended. */
  exited: Promise<number | null>;
  stderr(): string;
}

/** Starts `claudecluster ARGS` (with --json among them) and watches its events as it runs. */
export function spawnCli(scope: Scope, args: string[], opts: { env?: NodeJS.ProcessEnv; wrap?: string[] } = {}): CliProc {
  const [cmd, ...pre] = opts.wrap ?? [process.execPath];
  const argv = opts.wrap ? [...pre, process.execPath, CLI_BIN, ...args] : [CLI_BIN, ...args];
  const proc = scope.track(spawn(cmd!, argv, { env: { ...process.env, CLAUDECLUSTER_CLAUDE_BIN: FAKE_CLAUDE, ...opts.env } }));
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  return { proc, exited, ...watchEvents(proc, 'claudecluster') };
}

/** Runs `claudecluster ARGS` to completion. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; wrap?: string[] } = {}): Promise<CliResult> {
  return new Promise((res, rej) => {
    const [cmd, ...pre] = opts.wrap ?? [];
    const env = { ...process.env, CLAUDECLUSTER_CLAUDE_BIN: FAKE_CLAUDE, ...opts.env };
    const p = cmd ? spawn(cmd, [...pre, process.execPath, CLI_BIN, ...args], { cwd: opts.cwd, env }) : spawn(process.execPath, [CLI_BIN, ...args], { cwd: opts.cwd, env });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('error', rej);
    p.on('close', (code) => {
      const events = stdout.split('\n').flatMap((l) => { try { return [JSON.parse(l) as Record<string, unknown>]; } catch { return []; } });
      res({ code, stdout, stderr, events });
    });
  });
}

/** Pairs the driver in `driverDir` with a running agent through a real pairing window. */
export async function pairWith(scope: Scope, agent: AgentProc, driverDir: string, dataDirOfAgent: string): Promise<void> {
  const p = spawn(process.execPath, [AGENT_BIN, 'pair', '--data-dir', dataDirOfAgent, '--json']);
  scope.track(p);
  let out = '';
  p.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  await new Promise((r) => p.on('close', r));
  const code = String((JSON.parse(out.trim().split('\n').pop()!) as { code: string }).code);
  const r = await runCli(['pair', code, '--agent', agent.addr, '--data-dir', driverDir, '--no-mdns', '--json']);
  if (r.code !== 0) throw new Error(`pairing failed: ${r.stdout} ${r.stderr}`);
}

/** Polls `cond` every 20 ms until it is true, or fails after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = WAIT_MS): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether process `pid` still exists (signal 0 reaches it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The processes `pid` started that are still running, with their command lines. */
export function childProcesses(pid: number): Array<{ pid: number; args: string }> {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  return out.split('\n').map((l) => /^\s*(\d+)\s+(.*)$/.exec(l)).filter((m) => m !== null).map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}
