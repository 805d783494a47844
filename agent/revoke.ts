/**
 * Unpairing on the agent, however it is asked for (`claudecluster-agent unpair`, or the driver's
 * `driver.unpair`): off the allowlist, its tasks cancelled, its connections closed — at once.
 */
import { peerIdFromString } from '@libp2p/peer-id';
import type { Host } from '../shared/node/host.js';
import type { Allowlist } from './trust.js';
import type { TaskManager } from './tasks.js';
import type { AgentEvent } from './events.js';
import type { AuditLog } from './audit.js';

export interface RevokeDeps {
  allowlist: Allowlist;
  tasks: TaskManager;
  host: Host;
  emit(e: AgentEvent): void;
}

export type Revoke = (peerId: string, by: 'agent' | 'driver', closeAfterMs?: number) => Promise<{ removed: boolean; cancelled: number }>;

export function revoker(deps: RevokeDeps): Revoke {
  return async (peerId, by, closeAfterMs = 0) => {
    const name = deps.allowlist.nameOf(peerId) ?? 'unknown';
    const removed = await deps.allowlist.remove(peerId);
    // A revoked driver may no longer watch, steer or collect its tasks: rather than let them use
    // this machine's slots and Claude budget for nobody, they are cancelled (their logs stay).
    let cancelled = 0;
    for (const t of deps.tasks.list()) {
      if (t.owner === peerId && deps.tasks.cancel({ runId: t.spec.runId, taskId: t.spec.taskId }, peerId)) cancelled++;
    }
    if (removed) deps.emit({ type: 'unpaired', peerId, name, by, cancelled });
    // Every open connection goes, and with it every stream on it (control, term, blob).
    const hangUp = (): Promise<void> => deps.host.hangUp(peerIdFromString(peerId)).catch(() => {
      // Already gone, or the host is stopping: either way nothing of it stays open.
    });
    if (closeAfterMs > 0) setTimeout(() => void hangUp(), closeAfterMs).unref();
    else await hangUp();
    return { removed, cancelled };
  };
}

/** Writes the tasks' lives into the audit log: started (by whom, titled what), cancelled, finished. */
export function auditTasks(audit: AuditLog, tasks: TaskManager, nameOf: (peerId: string) => string | undefined): void {
  const named = (peerId: string): { peerId: string; name?: string } => {
    const name = nameOf(peerId);
    return name === undefined ? { peerId } : { peerId, name };
  };
  tasks.on('state', (owner, e) => {
    const ref = { runId: e.runId, taskId: e.taskId };
    if (e.state === 'queued') audit.record({ action: 'task.start', ...named(owner), ...ref, title: tasks.get(ref)?.spec.title ?? '' });
    if (e.state === 'cancelled') audit.record({ action: 'task.cancel', ...named(owner), ...ref });
  });
  tasks.on('result', (owner, r) => {
    audit.record({ action: 'task.result', ...named(owner), runId: r.runId, taskId: r.taskId, ok: r.ok, commit: r.commit, ...(r.error ? { error: r.error } : {}) });
  });
}
