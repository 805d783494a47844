/** What every protocol handler needs; each handler takes only this. */
import type { Allowlist, PairingWindow } from '../trust.js';
import type { TaskManager } from '../tasks.js';
import type { RepoCache } from '../repo-cache.js';
import type { BlobStore } from '../blob-store.js';
import type { AgentInfo } from '../../shared/protocol/control.js';
import type { AgentEvent } from '../events.js';
import type { PermissionPolicy } from '../permissions.js';

export interface HandlerContext {
  allowlist: Allowlist;
  pairing: PairingWindow;
  tasks: TaskManager;
  repos: RepoCache;
  blobs: BlobStore;
  info(): AgentInfo;
  emit(event: AgentEvent): void;
  policy: PermissionPolicy;
  /**
   * Takes a driver off the allowlist, cancels its tasks and closes its connections (after
   * `closeAfterMs`, so an answer on the way still reaches it).
   */
  revoke(peerId: string, by: 'agent' | 'driver', closeAfterMs?: number): Promise<{ removed: boolean; cancelled: number }>;
}
