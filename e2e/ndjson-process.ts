/** A child process that prints NDJSON events (an agent or the CLI with --json), watched by a test. */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { WAIT_MS } from './harness.js';

export type Event = Record<string, unknown>;

export interface EventWatch {
  /** Every event printed so far. */
  events: Event[];
  /** Resolves with the first event (past or future) that matches; rejects if the process exits first. */
  waitEvent(match: (e: Event) => boolean, ms?: number): Promise<Event>;
  /** What the process wrote on stderr so far. */
  stderr(): string;
}

export function watchEvents(proc: ChildProcess, what = 'process'): EventWatch {
  const events: Event[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Event);
    } catch {
      return; // Not an event line.
    }
    for (const w of [...waiters]) w();
  });
  const waitEvent = (match: (e: Event) => boolean, ms = WAIT_MS): Promise<Event> =>
    new Promise((res, rej) => {
      const settle = (): void => { waiters.delete(check); proc.off('exit', exited); clearTimeout(t); };
      const check = (): void => {
        const hit = events.find(match);
        if (hit) { settle(); res(hit); }
      };
      const exited = (code: number | null): void => {
        if (events.find(match)) return;
        settle();
        rej(new Error(`${what} exited (${code}) before the event; stderr: ${stderr}`));
      };
      const t = setTimeout(() => { settle(); rej(new Error(`${what} event not seen within ${ms} ms; stderr: ${stderr}`)); }, ms);
      waiters.add(check);
      proc.on('exit', exited);
      check();
    });
  return { events, waitEvent, stderr: () => stderr };
}
