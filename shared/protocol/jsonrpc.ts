/** JSON-RPC 2.0 message shapes and error codes (https://www.jsonrpc.org/specification). */
import { z } from 'zod';

export const RPC_ERROR = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** Application errors (the spec leaves -32000..-32099 to implementations). */
  notPaired: -32001,
  busy: -32002,
  notFound: -32003,
  failed: -32004,
  /** The agent will not run the request as given (its owner's policy): asking it again will not help. */
  refused: -32005,
} as const;

/** Longest string id a request may carry. */
export const MAX_RPC_ID_CHARS = 64;
const RpcId = z.union([z.number().int(), z.string().max(MAX_RPC_ID_CHARS)]);

/**
 * Longest error message an answer carries. Describing a hostile frame (thousands of unknown
 * keys, each echoed) can take as much as the frame itself; the answer stays small and within
 * every contract's caps.
 */
export const MAX_ERROR_MESSAGE_CHARS = 2000;

/** `text`, cut to `max` characters with an ellipsis. */
export function clipMessage(text: string, max = MAX_ERROR_MESSAGE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The id of a message as received, if it is one a response may carry (else null). */
export function usableId(raw: unknown): string | number | null {
  const id = raw && typeof raw === 'object' && 'id' in raw ? (raw as { id: unknown }).id : null;
  return RpcId.safeParse(id).success ? (id as string | number) : null;
}

export const RpcRequest = z.object({
  jsonrpc: z.literal('2.0'),
  id: RpcId,
  method: z.string().max(64),
  params: z.unknown().optional(),
}).strict();

export const RpcNotification = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.string().max(64),
  params: z.unknown().optional(),
}).strict();

export const RpcErrorBody = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
}).strict();

export const RpcResponse = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: RpcId.nullable(), result: z.unknown() }).strict(),
  z.object({ jsonrpc: z.literal('2.0'), id: RpcId.nullable(), error: RpcErrorBody }).strict(),
]);

export type RpcRequest = z.infer<typeof RpcRequest>;
export type RpcNotification = z.infer<typeof RpcNotification>;
export type RpcResponse = z.infer<typeof RpcResponse>;
export type RpcMessage = RpcRequest | RpcNotification | RpcResponse;

/** An error that crosses the wire with a stable numeric code. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}
