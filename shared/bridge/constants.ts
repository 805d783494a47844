/** Names and numbers both ends of the bridge agree on. */

/** The WebSocket path `claudecluster ui` serves the bridge on. */
export const BRIDGE_WS_PATH = '/bridge';
/** The query parameter carrying the per-start token, in the page URL and the WebSocket URL. */
export const BRIDGE_TOKEN_PARAM = 'token';
/** The one IPC channel the Electron shell carries bridge messages on (both directions). */
export const BRIDGE_IPC_CHANNEL = 'claudecluster:bridge';
/** The global the Electron preload exposes the bridge under. */
export const BRIDGE_GLOBAL = 'claudecluster';

/**
 * Terminal flow control (as VS Code does it): the source stops sending a task's output to a
 * client with more than HIGH unacknowledged characters and resumes below LOW; the client acks
 * every ACK_EVERY characters it has written; output is batched at the source every BATCH_MS.
 */
export const TERM_HIGH_WATER_CHARS = 100_000;
export const TERM_LOW_WATER_CHARS = 5_000;
export const TERM_ACK_EVERY_CHARS = 5_000;
export const TERM_BATCH_MS = 5;
/** Scrollback lines a pane keeps; the whole log is one click away (`task.log`). */
export const PANE_SCROLLBACK_LINES = 5_000;
/** The task id of a planning session's terminal: `term.attach` { runId: its planId, taskId: this }. */
export const PLAN_TERM_TASK_ID = 'plan';
