export declare class Allowlist {
    private readonly path;
    private data;
    private constructor();
    static load(path: string): Promise<Allowlist>;
    has(peerId: string): boolean;
    list(): ReadonlyArray<{
        peerId: string;
        name: string;
        pairedAt: string;
    }>;
    add(peerId: string, name: string): Promise<void>;
    /** Adds a driver to an allowlist file directly (the driver owns a local agent's data dir). */
    static grant(path: string, peerId: string, name: string): Promise<void>;
}
export type PairAttempt = {
    ok: true;
} | {
    ok: false;
    reason: 'closed' | 'wrong-code';
    attemptsLeft: number;
};
/** A time-limited window with a one-time code; single use, closed after too many wrong codes. */
export declare class PairingWindow {
    private code;
    private expiresAt;
    private attemptsLeft;
    /** Opens (or re-opens with a fresh code) the window; returns the code to show. */
    open(durationMs: number, now?: number): {
        code: string;
        expiresAt: number;
    };
    isOpen(now?: number): boolean;
    close(): void;
    attempt(candidate: string, now?: number): PairAttempt;
}
/** `ABCD-EFGH`: the code as shown to people. */
export declare function displayCode(code: string): string;
