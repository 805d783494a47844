/** Where an agent keeps things inside its data dir. */
import { join } from 'node:path';
export class AgentPaths {
    root;
    constructor(root) {
        this.root = root;
    }
    get key() { return join(this.root, 'identity.key'); }
    get allowlist() { return join(this.root, 'allowlist.json'); }
    /** Local control socket for `claudecluster-agent pair` (owner-only). */
    get socket() { return join(this.root, 'agent.sock'); }
    get repos() { return join(this.root, 'repos'); }
    get blobs() { return join(this.root, 'blobs'); }
    get tasks() { return join(this.root, 'tasks'); }
    get work() { return join(this.root, 'work'); }
    repo(repoId) { return join(this.repos, `${repoId}.git`); }
    task(key) { return join(this.tasks, key); }
    worktree(key) { return join(this.work, key); }
}
//# sourceMappingURL=paths.js.map