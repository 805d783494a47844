/** Driver side of `/claudecluster/term/1.0.0`: attach to a task's terminal from a byte offset. */
import { PROTOCOL } from '../../shared/constants.js';
import { TermOpened, type TermInput } from '../../shared/protocol/term.js';
import type { TaskRef } from '../../shared/protocol/common.js';
import { FramedStream, encodeFrame } from '../../shared/node/frames.js';
import { consume, sendAll } from '../../shared/node/stream-io.js';
import type { AgentClient } from './agent-client.js';

export interface TermAttachment {
  /** Resolves when the agent has sent everything (the session ended) or the stream broke. */
  done: Promise<void>;
  /**
   * Log offset the received bytes start at: the requested offset, or later when the agent no
   * longer keeps it (its logs are capped and drop their oldest output).
   */
  readonly start: number;
  /** Total bytes received, counting from `start`. */
  readonly received: number;
  input(data: string): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  close(): void;
}

/**
 * Attaches to a task's terminal from byte `offset`. `onData` gets each chunk with the log offset
 * it starts at, so a caller that keeps its own position stays right when older output was dropped;
 * while a promise it returns is pending, no more is read.
 */
export async function attachTerm(agent: AgentClient, ref: TaskRef, offset: number, onData: (chunk: Uint8Array, at: number) => void | Promise<void>): Promise<TermAttachment> {
  const stream = await agent.openStream(PROTOCOL.term);
  const framed = new FramedStream(stream);
  await framed.write({ runId: ref.runId, taskId: ref.taskId, offset });
  const opened = await framed.read(TermOpened);
  if (!opened.ok) {
    await stream.close().catch(() => undefined);
    throw new Error(`agent ${agent.name} refused the terminal: ${opened.error}`);
  }
  const start = Math.max(offset, opened.start ?? offset);
  const raw = framed.unwrap();
  let received = 0;
  // Once the agent has sent everything, close our side too, so the stream is released.
  const done = consume(raw, (chunk) => {
    const at = start + received;
    received += chunk.byteLength;
    // A promise holds the stream: yamux stops the agent sending until it resolves.
    return onData(chunk, at);
  }).catch(() => {
    // The stream broke (its connection died): `done` still just resolves; a re-attach continues from `received`.
  }).finally(() => raw.close().catch(() => raw.abort(new Error('closing'))));
  const send = (msg: TermInput): Promise<void> => sendAll(raw, encodeFrame(msg));
  return {
    done,
    start,
    get received() { return received; },
    input: (data) => send({ type: 'input', data }),
    resize: (cols, rows) => send({ type: 'resize', cols, rows }),
    close: () => { void raw.close().catch(() => raw.abort(new Error('closed'))); },
  };
}
