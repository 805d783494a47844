/**
 * The scenario format of the mock Messages API and how one scripted reply becomes an HTTP
 * response: a JSON error, a JSON message, or the SSE stream the real API sends for `stream: true`
 * (message_start, content_block_start/delta/stop per block, message_delta, message_stop).
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** Token counts reported on a message; the CLI prices them by model to get `total_cost_usd`. */
export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
}

/** Streamed text, split into `chunks` deltas with `delayMs` between them (a slow stream). */
export interface TextReply {
  text: string;
  chunks?: number;
  delayMs?: number;
  usage?: Usage;
}

/** One tool the assistant calls; the CLI really runs it in its cwd. */
export interface ToolCall {
  name: 'Write' | 'Edit' | 'Bash' | 'Read' | (string & {});
  input: Record<string, unknown>;
}

/** Assistant tool_use blocks (after an optional text block), ending with stop_reason tool_use. */
export interface ToolsReply {
  tools: ToolCall[];
  text?: string;
  delayMs?: number;
  usage?: Usage;
}

/** An API error with the real API's JSON error shape; `body` replaces that JSON when given. */
export interface ErrorReply {
  status: number;
  body?: object;
  headers?: Record<string, string>;
}

export type Reply = TextReply | ToolsReply | ErrorReply;

/** Replies consumed in order, one per conversation turn request (see server.ts). */
export type Scenario = Reply[];

/** What a turn gets once the scenario is used up. */
export const FINAL_REPLY: TextReply = { text: 'Done.' };
/** Usage when a reply does not set it: small, but enough for a non-zero cost. */
export const DEFAULT_USAGE = { input_tokens: 100, output_tokens: 20 } as const;
const DEFAULT_CHUNKS = 3;
/** How many input_json_delta pieces a tool's input is streamed in. */
const TOOL_INPUT_CHUNKS = 2;

/** The real API's `error.type` for each status (docs.anthropic.com "Errors"). */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
const ERROR_MESSAGES: Record<string, string> = {
  authentication_error: 'invalid x-api-key',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
};

export function isError(reply: Reply): reply is ErrorReply {
  return 'status' in reply;
}

export function errorBody(status: number, message?: string): object {
  const type = ERROR_TYPES[status] ?? 'api_error';
  return { type: 'error', error: { type, message: message ?? ERROR_MESSAGES[type] ?? type } };
}

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** A complete assistant message, before it is sent as JSON or as SSE. */
export interface Message {
  id: string;
  model: string;
  content: Block[];
  stop_reason: 'end_turn' | 'tool_use';
  usage: Required<Usage>;
  chunks: number;
  delayMs: number;
}

/** Builds the message for a non-error reply; `seq` keeps message and tool_use ids unique. */
export function toMessage(reply: TextReply | ToolsReply, model: string, seq: number): Message {
  const content: Block[] = [];
  if ('tools' in reply) {
    if (reply.text) content.push({ type: 'text', text: reply.text });
    reply.tools.forEach((t, i) => content.push({ type: 'tool_use', id: `toolu_mock_${seq}_${i}`, name: t.name, input: t.input }));
  } else {
    content.push({ type: 'text', text: reply.text });
  }
  return {
    id: `msg_mock_${seq}`,
    model,
    content,
    stop_reason: 'tools' in reply ? 'tool_use' : 'end_turn',
    usage: { ...DEFAULT_USAGE, ...reply.usage },
    chunks: Math.max(1, 'chunks' in reply ? reply.chunks ?? DEFAULT_CHUNKS : DEFAULT_CHUNKS),
    delayMs: reply.delayMs ?? 0,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The non-streaming form (`stream` absent or false). */
export function sendMessage(res: ServerResponse, m: Message): void {
  sendJson(res, 200, {
    id: m.id, type: 'message', role: 'assistant', model: m.model, content: m.content,
    stop_reason: m.stop_reason, stop_sequence: null, usage: m.usage,
  });
}

/** Splits `s` into `n` nearly equal pieces (by code point, so no surrogate pair is cut). */
export function split(s: string, n: number): string[] {
  const chars = [...s];
  const size = Math.max(1, Math.ceil(chars.length / n));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}

/**
 * Streams `m` as server-sent events. Resolves when the stream is written, or early when the
 * client goes away (`res.destroyed`), e.g. the CLI was killed mid-stream.
 */
export async function streamMessage(res: ServerResponse, m: Message): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (type: string, data: object): void => {
    if (!res.destroyed) res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  const pause = async (): Promise<void> => {
    if (m.delayMs > 0 && !res.destroyed) await sleep(m.delayMs);
  };
  send('message_start', {
    message: {
      id: m.id, type: 'message', role: 'assistant', model: m.model, content: [],
      stop_reason: null, stop_sequence: null,
      usage: { input_tokens: m.usage.input_tokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  });
  for (const [index, block] of m.content.entries()) {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const text of split(block.text, m.chunks)) {
        await pause();
        send('content_block_delta', { index, delta: { type: 'text_delta', text } });
      }
    } else {
      send('content_block_start', { index, content_block: { ...block, input: {} } });
      for (const partial_json of split(JSON.stringify(block.input), TOOL_INPUT_CHUNKS)) {
        await pause();
        send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
      }
    }
    send('content_block_stop', { index });
  }
  send('message_delta', { delta: { stop_reason: m.stop_reason, stop_sequence: null }, usage: { output_tokens: m.usage.output_tokens } });
  send('message_stop', {});
  res.end();
}
