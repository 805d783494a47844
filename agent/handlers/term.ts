/** `/claudecluster/term/1.0.0` on the agent: replay a task's terminal from an offset, then live. */
import type { Connection, Stream } from '@libp2p/interface';
import { FramedStream, FrameError } from '../../shared/node/frames.js';
import { sendAll } from '../../shared/node/stream-io.js';
import { TermInput, TermOpen } from '../../shared/protocol/term.js';
import { PROTOCOL } from '../../shared/constants.js';
import type { HandlerContext } from './context.js';

export async function handleTerm(ctx: HandlerContext, stream: Stream, connection: Connection): Promise<void> {
  const peer = connection.remotePeer.toString();
  const framed = new FramedStream(stream);
  if (!ctx.allowlist.has(peer)) {
    ctx.emit({ type: 'refused', peerId: peer, protocol: PROTOCOL.term });
    await framed.write({ ok: false, error: 'not paired with this agent' }).catch(() => undefined);
    await stream.close().catch(() => undefined);
    return;
  }
  let open: TermOpen;
  try {
    open = await framed.read(TermOpen);
  } catch (err) {
    const msg = err instanceof FrameError ? `bad request: ${err.message}` : 'bad request';
    await framed.write({ ok: false, error: msg }).catch(() => undefined);
    await stream.close().catch(() => undefined);
    return;
  }
  const task = ctx.tasks.get(open);
  if (!task || task.owner !== peer) {
    await framed.write({ ok: false, error: `no task ${open.runId}/${open.taskId} of yours on this agent` });
    await stream.close();
    return;
  }
  if (open.offset > task.log.size) {
    // Bytes not written yet: such an attach would wait on them forever (a driver asks at most for what it has seen).
    await framed.write({ ok: false, error: `offset ${open.offset} is past the end of the terminal log (${task.log.size} bytes)` }).catch(() => undefined);
    await stream.close().catch(() => undefined);
    return;
  }
  // An offset the capped log no longer keeps reads from its oldest byte; the driver is told where.
  const from = Math.max(open.offset, task.log.start);
  await framed.write({ ok: true, size: task.log.size, ...(from > open.offset ? { start: from } : {}) });
  readInput(framed, (msg) => {
    if (!ctx.allowlist.has(peer)) return; // Unpaired while attached: its keys no longer reach the session.
    if (msg.type === 'input') ctx.tasks.input(task, msg.data);
    else task.session?.resize(msg.cols, msg.rows);
  });

  // Pull from the log at the pace the stream drains; stop when the driver goes away.
  const gone = new AbortController();
  stream.addEventListener('close', () => gone.abort(), { once: true });
  try {
    for await (const chunk of task.log.read(from, gone.signal)) await sendAll(stream, chunk);
    await stream.close();
  } catch {
    // The driver closed or reset the stream mid-send: it re-attaches from its offset if it wants more.
  }
}

/** Input and resize frames from the driver, for the task's session while it runs. */
function readInput(framed: FramedStream, deliver: (msg: TermInput) => void): void {
  void (async () => {
    for (;;) {
      let msg: TermInput;
      try {
        msg = await framed.read(TermInput);
      } catch (err) {
        if (err instanceof FrameError) continue; // A malformed frame is dropped; the terminal keeps going.
        return; // The driver closed its side or the stream ended.
      }
      deliver(msg);
    }
  })();
}
