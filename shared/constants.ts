/**
 * Named constants shared by every process. Protocol ids are defined here once;
 * nowhere else may spell them.
 */

/** libp2p protocol ids (versioned; see DESIGN.md "Wire protocols"). */
export const PROTOCOL = {
  pair: '/claudecluster/pair/1.0.0',
  control: '/claudecluster/control/1.0.0',
  term: '/claudecluster/term/1.0.0',
  blob: '/claudecluster/blob/1.0.0',
} as const;

/** mDNS service tag: nodes with another tag are invisible to us, and we to them. */
export const MDNS_SERVICE_TAG = '_claudecluster._udp.local';

/** Agents listen on a stable port by default so mDNS peers can find a restarted agent again. */
export const DEFAULT_AGENT_PORT = 47_470;

/** Largest control / pair / header frame. Prompts travel in control frames. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Largest structured output (Claude Code's answer to `--json-schema`) a task result may carry,
 * counted as UTF-8 JSON. Results travel in control frames (MAX_FRAME_BYTES), so this leaves room.
 */
export const MAX_STRUCTURED_OUTPUT_BYTES = 256 * 1024;

/** Largest blob (git bundle) accepted over the wire. */
export const MAX_BLOB_BYTES = 4 * 1024 * 1024 * 1024;

/**
 * A bundle this small travels inside the control message that announces it (base64), not over
 * a blob stream of its own: a task's result or a new base is usually a few kilobytes, and
 * opening a stream for it cost more than its bytes — on the path from one task to the next.
 */
export const INLINE_BUNDLE_BYTES = 64 * 1024;

/**
 * A bundle a driver sends names at most this many of the agent's commits as prerequisites, the
 * newest the agent listed: git walks from every one of them on both ends (three times the work at
 * 300 as at 5), and an older one is nearly always in the history of a newer (each head sent holds
 * those before it).
 */
export const MAX_BUNDLE_PREREQUISITES = 16;

/** Pairing: how long a window stays open, how many wrong codes close it. */
export const PAIRING_WINDOW_MS = 5 * 60_000;
export const PAIRING_MAX_ATTEMPTS = 5;
/**
 * Pairing attempts are rate-limited on top of that: one peer may try a code at most once per
 * PAIRING_PEER_INTERVAL_MS, and all peers together at most once per PAIRING_GLOBAL_INTERVAL_MS.
 * Slow enough to make guessing pointless, fast enough that a person retyping never notices.
 */
export const PAIRING_PEER_INTERVAL_MS = 1_000;
export const PAIRING_GLOBAL_INTERVAL_MS = 200;
/** Pairing code alphabet: no 0/O, 1/I/L so it can be read aloud. */
export const PAIRING_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const PAIRING_CODE_LENGTH = 8;

/** Terminal output is batched at the source for this long before it is sent (VS Code uses 5 ms). */
export const TERM_BATCH_MS = 5;

/** Task and run ids: safe in file names, git ref names and branch names. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Branch prefix for results and the ref namespace that holds fetched task commits. */
export const RUN_BRANCH_PREFIX = 'claudecluster/';
export const RESULT_REF_PREFIX = 'refs/claudecluster/';

/** Commit identity used for task commits and integration merges. */
export const COMMIT_AUTHOR = { name: 'ClaudeCluster', email: 'claudecluster@localhost' } as const;
