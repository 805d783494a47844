/** `/claudecluster/control/1.0.0` on the agent: JSON-RPC requests from one paired driver. */
import type { Connection, Stream } from '@libp2p/interface';
import { RPC_ERROR, RpcError, RpcServer, controlContract, type ControlContract } from '../../shared/protocol/index.js';
import { rpcChannel } from '../../shared/node/frames.js';
import { PROTOCOL } from '../../shared/constants.js';
import { checkPermissions } from '../permissions.js';
import { checkInline } from '../../shared/node/inline-bundle.js';
import type { HandlerContext } from './context.js';
import { UNPAIR_REPLY_GRACE_MS, notPaired, requestId } from './not-paired.js';

export function handleControl(ctx: HandlerContext, stream: Stream, connection: Connection): void {
  const peer = connection.remotePeer.toString();
  if (!ctx.allowlist.has(peer)) {
    ctx.emit({ type: 'refused', peerId: peer, protocol: PROTOCOL.control });
    rpcChannel(stream).send(notPaired());
    void stream.close().catch(() => stream.abort(new Error('refused')));
    return;
  }
  const channel = rpcChannel(stream);
  const srv: RpcServer<ControlContract> = new RpcServer(controlContract, channel.send);

  srv.handle('agent.info', () => ctx.info());
  srv.handle('repo.tips', async ({ repoId }) => ({ tips: await ctx.repos.tips(repoId) }));
  srv.handle('repo.apply', async ({ repoId, blob, commit, inline }, next) => {
    const bundle = inline !== undefined ? checked(inline, blob) : { file: ctx.blobs.path(blob) };
    if ('file' in bundle && (await ctx.blobs.size(blob)) === undefined) throw new RpcError(RPC_ERROR.notFound, `blob ${blob} has not been uploaded`);
    const applied = ctx.repos.apply(repoId, bundle, commit);
    // Under way: the driver's next request goes ahead; one that needs this commit waits for it there (RepoCache).
    next();
    try {
      await applied;
    } catch (err) {
      throw new RpcError(RPC_ERROR.failed, (err as Error).message);
    }
    return { ok: true as const };
  });
  srv.handle('task.start', async (spec, next) => {
    const allowed = checkPermissions(spec, ctx.policy);
    if (!allowed.ok) throw new RpcError(RPC_ERROR.refused, allowed.error);
    const { task, saved } = await ctx.tasks.start(spec, peer);
    // Taken in: the driver's next request (often the next start) goes ahead while this one's record reaches the disk.
    next();
    await saved;
    return { accepted: true as const, state: task.state };
  });
  srv.handle('task.cancel', (ref) => ({ cancelled: ctx.tasks.cancel(ref, peer) }));
  srv.handle('task.close', (ref) => ({ closed: ctx.tasks.close(ref, peer) }));
  srv.handle('task.followUp', ({ text, ...ref }) => ({ accepted: ctx.tasks.followUp(ref, peer, text) }));
  srv.handle('driver.unpair', async () => {
    await ctx.revoke(peer, 'driver', UNPAIR_REPLY_GRACE_MS);
    return { ok: true as const };
  });
  srv.handle('task.list', ({ runId }) => ({
    tasks: ctx.tasks.list(runId).filter((t) => t.owner === peer).map((t) => ({
      runId: t.spec.runId, taskId: t.spec.taskId, state: t.state, logBytes: t.log.size, results: ctx.tasks.pending(t),
    })),
  }));
  srv.handle('task.ack', async ({ turn, ...ref }) => ({ acked: await ctx.tasks.ack(ref, peer, turn) }));

  // Forward this driver's task events on this stream.
  const onState = (owner: string, event: Parameters<typeof srv.notify<'task.state'>>[1]): void => {
    if (owner === peer && paired()) srv.notify('task.state', event);
  };
  const onResult = (owner: string, result: Parameters<typeof srv.notify<'task.result'>>[1]): void => {
    if (owner === peer && paired()) srv.notify('task.result', result);
  };
  ctx.tasks.on('state', onState);
  ctx.tasks.on('result', onResult);
  // Trust is checked on every request, not only at open: a driver unpaired meanwhile is refused.
  const paired = (): boolean => ctx.allowlist.has(peer);
  // One request at a time, in the order sent: a driver starts a task right behind the repo.apply that
  // brings its base. An apply lets the next request in once it is under way, a start once the task
  // is taken in: neither holds up the rest while it works, and what needs an applied commit waits for it.
  void channel.start((raw) => {
    if (paired()) return srv.receive(raw);
    ctx.emit({ type: 'refused', peerId: peer, protocol: PROTOCOL.control });
    channel.send(notPaired(requestId(raw)));
    return undefined;
  }).catch(() => {
    // The driver's connection died (a cut, a ping timeout): its tasks go on, and it lists them when it is back.
  }).finally(() => {
    ctx.tasks.off('state', onState);
    ctx.tasks.off('result', onResult);
  });
}

/** An inline bundle's bytes, refused unless they are the blob announced with them. */
function checked(inline: string, blob: string): { bytes: Uint8Array } {
  try {
    return { bytes: checkInline(inline, { sha256: blob }) };
  } catch (err) {
    throw new RpcError(RPC_ERROR.failed, `refused the upload: ${(err as Error).message}`);
  }
}
