export declare class AgentPaths {
    readonly root: string;
    constructor(root: string);
    get key(): string;
    get allowlist(): string;
    /** Local control socket for `claudecluster-agent pair` (owner-only). */
    get socket(): string;
    get repos(): string;
    get blobs(): string;
    get tasks(): string;
    get work(): string;
    repo(repoId: string): string;
    task(key: string): string;
    worktree(key: string): string;
}
