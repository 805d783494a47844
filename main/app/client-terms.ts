/**
 * One client's terminal feeds: which tasks it has attached to, each with its own flow control.
 * Attaching again (a pane re-mounted, a reconnect) starts that task's feed afresh.
 */
import { ClientTermFeed, type Attached, type TaskTermOutput } from './term-feed.js';

type TermData = (runId: string, taskId: string, offset: number, data: string) => void;

interface Subscription {
  feed: ClientTermFeed;
  detach(): void;
}

export class ClientTerms {
  private readonly subs = new Map<string, Subscription>();

  constructor(private readonly send: TermData) {}

  /** Subscribes to a task's terminal: the recent output now, every batch after it as `term.data`. */
  attach(runId: string, taskId: string, output: TaskTermOutput): Attached {
    const key = `${runId}/${taskId}`;
    this.subs.get(key)?.detach();
    const feed = new ClientTermFeed((offset, data) => this.send(runId, taskId, offset, data));
    const attached = output.attach((offset, data) => feed.push(offset, data));
    this.subs.set(key, { feed, detach: attached.detach });
    return { data: attached.data, offset: attached.offset };
  }

  /** The client wrote `chars` more characters of that task's feed; false when it is not attached. */
  ack(runId: string, taskId: string, chars: number): boolean {
    const sub = this.subs.get(`${runId}/${taskId}`);
    sub?.feed.ack(chars);
    return sub !== undefined;
  }

  /** The client is gone: every feed stops. */
  close(): void {
    for (const sub of this.subs.values()) sub.detach();
    this.subs.clear();
  }
}
