/**
 * One client's terminal feeds: which tasks it has attached to, each with its own flow control.
 * Attaching again (a pane re-mounted, a reconnect) starts that task's feed afresh.
 */
import { ClientTermFeed, type FlowOptions } from './client-term-feed.js';
import type { Attached, TaskTermOutput } from './term-feed.js';

type TermData = (runId: string, taskId: string, offset: number, data: string) => void;

interface Subscription {
  feed: ClientTermFeed;
  detach(): void;
}

export class ClientTerms {
  private readonly subs = new Map<string, Subscription>();

  constructor(private readonly send: TermData, private readonly flow: FlowOptions = {}) {}

  /** Subscribes to a task's terminal: the recent output now, every batch after it as `term.data`. */
  attach(runId: string, taskId: string, output: TaskTermOutput): Attached {
    const key = `${runId}/${taskId}`;
    this.subs.get(key)?.detach();
    const feed = new ClientTermFeed((offset, data) => this.send(runId, taskId, offset, data), this.flow);
    const attached = output.attach((offset, data) => feed.push(offset, data), feed);
    this.subs.set(key, { feed, detach: () => { attached.detach(); feed.dispose(); } });
    return { data: attached.data, offset: attached.offset };
  }

  /** The client wrote `chars` more characters of that task's feed; false when it is not attached. */
  ack(runId: string, taskId: string, chars: number): boolean {
    const sub = this.subs.get(`${runId}/${taskId}`);
    if (!sub) return false;
    sub.feed.ack(chars);
    // A page busy with one pane is still alive: its other feeds keep holding rather than skip.
    for (const other of this.subs.values()) if (other !== sub) other.feed.clientAlive();
    return true;
  }

  /** The client closed its pane of that task: its feed stops. */
  detach(runId: string, taskId: string): void {
    const key = `${runId}/${taskId}`;
    this.subs.get(key)?.detach();
    this.subs.delete(key);
  }

  /** The client is gone: every feed stops. */
  close(): void {
    for (const sub of this.subs.values()) sub.detach();
    this.subs.clear();
  }
}
