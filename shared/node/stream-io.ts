/**
 * Raw byte I/O on libp2p streams with real backpressure (notes/libp2p.md):
 * sends wait for the 'drain' event (stream.onDrain() is buggy in 3.3.x), receives pause
 * the stream while the consumer is busy so a slow disk cannot overflow yamux's buffer.
 */
import type { MessageStream } from '@libp2p/interface';
import type { Uint8ArrayList } from 'uint8arraylist';

/** Sends `data`, resolving once the stream can take more. */
export async function sendAll(stream: MessageStream, data: Uint8Array): Promise<void> {
  if (stream.send(data)) return;
  await waitForDrain(stream);
}

function waitForDrain(stream: MessageStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      stream.removeEventListener('drain', onDrain);
      stream.removeEventListener('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => done();
    const onClose = (evt: Event): void => done((evt as Event & { error?: Error }).error ?? new Error('stream closed while sending'));
    stream.addEventListener('drain', onDrain);
    stream.addEventListener('close', onClose);
  });
}

/**
 * Delivers every incoming chunk, in order, to `onChunk`, pausing the stream while a
 * returned promise is pending. Resolves when the remote has finished writing and every
 * chunk was handled; rejects if the stream is reset or `onChunk` throws.
 */
export function consume(stream: MessageStream, onChunk: (chunk: Uint8Array) => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let queue: Promise<void> = Promise.resolve();
    let failed = false;
    // stream.resume() hands over what came in while paused and only then lets the remote send
    // again: pausing inside that hand-over would leave the stream paused here but not on the
    // wire, and its buffer overflows. Such a pause waits until resume() has returned.
    let resuming = false;
    let pauseAfterResume = false;
    const cleanup = (): void => {
      stream.removeEventListener('message', onMessage);
      stream.removeEventListener('end', onEnd);
      stream.removeEventListener('close', onClose);
    };
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      cleanup();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onMessage = (evt: Event): void => {
      if (failed) return;
      const data = (evt as Event & { data: Uint8Array | Uint8ArrayList }).data;
      const chunk = data instanceof Uint8Array ? data : data.subarray();
      let pending: void | Promise<void>;
      try {
        pending = onChunk(chunk);
      } catch (err) {
        fail(err);
        return;
      }
      if (pending instanceof Promise) {
        if (resuming) pauseAfterResume = true;
        else stream.pause();
        queue = queue.then(() => pending).then(() => resume(), fail);
      }
    };
    // The remote may finish (and the stream close) while we are paused: then there is nothing to resume.
    const resume = (): void => {
      if (failed) return;
      try {
        resuming = true;
        stream.resume();
        if (pauseAfterResume) stream.pause();
      } catch {
        // Already closed: its buffered data was delivered, and 'end' or 'close' reports the outcome.
      } finally {
        resuming = false;
        pauseAfterResume = false;
      }
    };
    const onEnd = (): void => {
      queue.then(() => { if (!failed) { cleanup(); resolve(); } }, fail);
    };
    const onClose = (evt: Event): void => {
      const err = (evt as Event & { error?: Error }).error;
      if (err) fail(err);
    };
    stream.addEventListener('message', onMessage);
    stream.addEventListener('end', onEnd);
    stream.addEventListener('close', onClose);
    if (stream.readableEnded) onEnd();
  });
}
