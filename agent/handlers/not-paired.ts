/** What a peer that is not (or no longer) on the allowlist gets on the control protocol. */
import { RPC_ERROR, type RpcMessage } from '../../shared/protocol/index.js';

/** How long an unpaired driver's connections stay up after `driver.unpair`, so the answer reaches it. */
export const UNPAIR_REPLY_GRACE_MS = 1_000;

const MAX_ID_CHARS = 64;

/** The JSON-RPC error for a request from a peer that is not paired (id null: the whole stream). */
export function notPaired(id: string | number | null = null): RpcMessage {
  return { jsonrpc: '2.0', id, error: { code: RPC_ERROR.notPaired, message: 'not paired with this agent: pair first (claudecluster pair CODE --agent ...)' } };
}

/** The id of a request as received, so its refusal answers it (null when it has none usable). */
export function requestId(raw: unknown): string | number | null {
  if (!raw || typeof raw !== 'object' || !('id' in raw)) return null;
  const id = (raw as { id: unknown }).id;
  return Number.isSafeInteger(id) || (typeof id === 'string' && id.length <= MAX_ID_CHARS) ? (id as number | string) : null;
}
