/** Where an agent keeps things inside its data dir. */
import { join } from 'node:path';
import { confinedPath } from '../shared/node/confined-path.js';

export class AgentPaths {
  constructor(readonly root: string) {}
  get key(): string { return join(this.root, 'identity.key'); }
  get allowlist(): string { return join(this.root, 'allowlist.json'); }
  /** Local control socket for `claudecluster-agent pair` (owner-only). */
  get socket(): string { return join(this.root, 'agent.sock'); }
  /** Where Claude Code hooks report session state (owner-only). */
  get hookSocket(): string { return join(this.root, 'hooks.sock'); }
  get repos(): string { return join(this.root, 'repos'); }
  get blobs(): string { return join(this.root, 'blobs'); }
  get tasks(): string { return join(this.root, 'tasks'); }
  get work(): string { return join(this.root, 'work'); }
  /** Audit log: who did what on this agent (append-only JSON lines). */
  get audit(): string { return join(this.root, 'audit.jsonl'); }
  // Keyed by ids from the wire (schema-checked); confined all the same so none can leave its folder.
  repo(repoId: string): string { return confinedPath(this.repos, `${repoId}.git`); }
  task(key: string): string { return confinedPath(this.tasks, key); }
}
