/**
 * Runs short-lived child processes (git) from a worker thread. Node spawns by fork and exec,
 * and the spawning thread waits until the child has exec'd: a few milliseconds on an idle
 * machine, tens on a busy one. A driver or agent runs git many times per task, so doing that on
 * its event loop stalled every stream, RPC and terminal it serves; from one worker thread, only
 * the worker waits. The worker is kept alive only while a process is running.
 */
import { Worker } from 'node:worker_threads';

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
 * The worker's whole program, run from its source text (`eval`): no module file to find, so it
 * works the same from dist/ and from inside a packaged app's archive. It may use only `require`.
 */
function workerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- the source runs as a CommonJS script */
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const { openSync, closeSync, createReadStream } = require('node:fs') as typeof import('node:fs');
  /* eslint-enable @typescript-eslint/no-require-imports */
  parentPort!.on('message', (m: ProcessRequest & { id: number }) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let replied = false;
    const reply = (r: Omit<Reply, 'id'>): void => {
      if (replied) return;
      replied = true;
      parentPort!.postMessage({ id: m.id, ...r });
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

class ProcessThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(o: ProcessOutcome): void; reject(e: Error): void }>();

  run(req: ProcessRequest): Promise<ProcessOutcome> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...req });
    });
  }

  private start(): Worker {
    // No inherited flags: `--input-type=module` on the parent would make the source an ES module.
    const worker = new Worker(`(${workerMain.toString()})()`, { eval: true, execArgv: [] });
    worker.unref();
    worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (this.pending.size === 0) worker.unref();
      p?.resolve(r);
    });
    // A worker that died takes its processes' answers with it: each caller is told, and the next call starts a new one.
    const lost = (err: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the process thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

const thread = new ProcessThread();

/** Runs `cmd` to completion from the process thread. */
export function runOffThread(req: ProcessRequest): Promise<ProcessOutcome> {
  return thread.run(req);
}
