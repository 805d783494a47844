/**
 * Runs short-lived child processes (git) from a small helper process. Node spawns by fork and
 * exec: the fork copies the spawning process's page tables, its pages stay copy-on-write until the
 * exec, and the spawner waits for that exec. From an agent or driver of ~130 MB a spawn takes ~6 ms
 * on an idle machine, 2.3 ms of it kernel time (2 ms at 50 MB, 10 ms at 200 MB), and a run starts
 * about ten git processes per task. The helper is a bare Node, started once and asked over IPC,
 * so neither the event loop nor the next spawn waits on that. It does not hold its parent open
 * while idle, and exits when its parent goes.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessRequest {
  cmd: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string | undefined>;
  input?: string | Uint8Array;
  /** Appends the process's stdout to this file instead of returning it (for output too big to hold, e.g. a pack). */
  stdoutFile?: string;
  /** Feeds the process this file from byte `offset` on, instead of `input` (e.g. the pack inside a bundle). */
  stdinFile?: { path: string; offset: number };
}

/** What the process printed and how it ended; `spawnError` when it could not be started. */
export interface ProcessOutcome {
  code: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  spawnError?: { message: string; code?: string };
}

interface Reply extends ProcessOutcome {
  id: number;
}

/**
 * The helper's whole program, run from its source text (`-e`): no module file to find, so it
 * works the same from dist/ and from inside a packaged app's archive. It may use only `require`.
 */
function helperMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- the source runs as a CommonJS script */
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const { openSync, closeSync, createReadStream } = require('node:fs') as typeof import('node:fs');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // Its parent gone, nothing is left to answer: the processes under way finish on their own.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: ProcessRequest & { id: number }) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let replied = false;
    const reply = (r: Omit<Reply, 'id'>): void => {
      if (replied) return;
      replied = true;
      process.send!({ id: m.id, ...r });
    };
    let fd: number | undefined;
    try {
      if (m.stdoutFile !== undefined) fd = openSync(m.stdoutFile, 'a', 0o600);
    } catch (e) {
      const { message, code } = e as NodeJS.ErrnoException;
      return reply({ code: null, stdout: new Uint8Array(), stderr: new Uint8Array(), spawnError: { message, ...(code ? { code } : {}) } });
    }
    const child = spawn(m.cmd, m.args, { cwd: m.cwd, env: m.env, stdio: ['pipe', fd ?? 'pipe', 'pipe'] });
    // The child holds its own copy of the file from here.
    if (fd !== undefined) closeSync(fd);
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    // A failed spawn emits 'error' and then 'close': the error is the answer.
    child.on('error', (e: NodeJS.ErrnoException) => reply({ code: null, stdout: new Uint8Array(), stderr: new Uint8Array(), spawnError: { message: e.message, ...(e.code ? { code: e.code } : {}) } }));
    child.on('close', (code) => reply({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    child.stdin!.on('error', () => { /* the process may exit before reading its input; its exit code says why */ });
    if (m.stdinFile === undefined) {
      child.stdin!.end(m.input ?? '');
      return;
    }
    // A file that cannot be read cuts the input short: the process says what it lacked.
    createReadStream(m.stdinFile.path, { start: m.stdinFile.offset }).on('error', () => child.stdin!.destroy()).pipe(child.stdin!);
  });
}

/** A caller waiting for the answer to its request. */
interface Waiting {
  resolve(o: ProcessOutcome): void;
  reject(e: Error): void;
}

/** The helper, started on first use; one that died is replaced by the next call. */
class ProcessHelper {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Waiting>();

  run(req: ProcessRequest): Promise<ProcessOutcome> {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    if (this.pending.size === 0) hold(child, true);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        child.send({ id, ...req }, (err) => { if (err) this.lost(child, err); });
      } catch (err) {
        // This request cannot go over IPC (a value it cannot carry): it alone fails.
        this.answered(child, id)?.reject(err as Error);
      }
    });
  }

  /** The caller waiting for request `id`, taken off the list; the helper no longer holds the parent open once none is left. */
  private answered(child: ChildProcess, id: number): Waiting | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) hold(child, false);
    return p;
  }

  private start(): ChildProcess {
    // A bare Node: none of the parent's flags (`--input-type=module` would make the source an ES
    // module) nor its environment (each process is given its own); Electron's binary is Node with
    // ELECTRON_RUN_AS_NODE.
    const child = spawn(process.execPath, ['-e', `(${helperMain.toString()})()`], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced', env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    hold(child, false);
    child.on('message', (r: Reply) => this.answered(child, r.id)?.resolve(r));
    child.on('error', (err) => this.lost(child, err));
    child.on('exit', (code, signal) => this.lost(child, new Error(`the process helper exited (${signal ?? `code ${code}`})`)));
    this.child = child;
    return child;
  }

  /**
   * A helper that died, or can no longer be sent to, takes its processes' answers with it: each
   * caller is told. One still alive is let go (its processes finish on their own), so it holds
   * nothing open, and the next call starts another.
   */
  private lost(child: ChildProcess, err: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    hold(child, false);
    child.kill();
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** Whether the helper (its process and its IPC channel) keeps the parent's event loop alive. */
function hold(child: ChildProcess, on: boolean): void {
  if (on) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

const helper = new ProcessHelper();

/** Runs `cmd` to completion from the helper process. */
export function runProcess(req: ProcessRequest): Promise<ProcessOutcome> {
  return helper.run(req);
}
