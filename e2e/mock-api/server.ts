/**
 * A scripted mock of the Anthropic Messages API on 127.0.0.1, for running the REAL Claude Code
 * CLI offline in tests (`claudeEnv` points it here). Built on node:http only.
 *
 * Which requests consume the script — logged against @anthropic-ai/claude-code 2.1.197, in `-p`
 * and in the TUI (see README.md):
 * - A conversation turn (of the main agent loop, or of a subagent) always sends the session's
 *   tool list: `tools` is a non-empty array. Each one takes the next scripted reply.
 * - Side requests send no tools (`tools` absent or `[]`) and are answered without consuming it:
 *   the TUI's session title (system prompt "Generate a concise, sentence-case title",
 *   `output_config.format` a json_schema with a `title` property; answered `{"title":…}`), and
 *   code paths not reached with an API key offline but handled alike: the quota check
 *   (`max_tokens: 1`, content "quota", not streamed) and model validation (`max_tokens: 1`, "Hi").
 *   Caveat: a session started with `--tools ""` sends no tools on its turns either.
 * - `HEAD /` (a connection warm-up at startup) gets the 404 every unknown route gets.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import {
  FINAL_REPLY, errorBody, isError, sendJson, sendMessage, streamMessage, toMessage,
  type Reply, type Scenario,
} from './scenario.js';

export type { Reply, Scenario, TextReply, ToolsReply, ToolCall, ErrorReply, Usage } from './scenario.js';
export { FINAL_REPLY } from './scenario.js';
export { claudeEnv, prepareClaudeHome, MOCK_API_KEY } from './claude-home.js';

/**
 * `turn`: took a scripted reply (or the final "Done." once the script is used up); `side`: a
 * request the CLI makes for its own purposes; `count_tokens`; `other`: anything else (404).
 */
export type RequestKind = 'turn' | 'side' | 'count_tokens' | 'other';

export interface RecordedRequest {
  kind: RequestKind;
  method: string;
  /** The path with its query, e.g. `/v1/messages?beta=true`. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when there was none or it was not JSON. */
  body: unknown;
  /** The status the mock answered with. */
  status: number;
}

export interface MockApi {
  /** The base URL for ANTHROPIC_BASE_URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Every request received so far, in arrival order. */
  requests: RecordedRequest[];
  /** Stops listening and drops open connections (ending any stream in progress). */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MESSAGES_PATH = '/v1/messages';
const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';
/** count_tokens answers with the body length over this: the usual ~4 characters per token. */
const CHARS_PER_TOKEN = 4;
/** The text of a side request's reply when it asks for no particular JSON shape. */
const SIDE_TEXT = 'OK';
const SIDE_TITLE = 'Mock session';
const SIDE_USAGE = { input_tokens: 10, output_tokens: 5 };

/** The parts of a Messages request the mock looks at; the rest passes through unchecked. */
const MessagesRequest = z.looseObject({
  model: z.string().default('claude-mock'),
  stream: z.boolean().optional(),
  tools: z.array(z.unknown()).optional(),
  output_config: z.looseObject({
    format: z.looseObject({
      schema: z.looseObject({ properties: z.record(z.string(), z.unknown()).optional() }).optional(),
    }).optional(),
  }).optional(),
});
type MessagesRequest = z.infer<typeof MessagesRequest>;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { text += chunk; });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined; // Not JSON: recorded as undefined and answered 400 on the Messages routes.
  }
}

function isTurn(body: MessagesRequest): boolean {
  return (body.tools?.length ?? 0) > 0;
}

/** A side request's reply: the title JSON when asked for one, else a short text. */
function sideReply(body: MessagesRequest): Reply {
  const wantsTitle = body.output_config?.format?.schema?.properties?.['title'] !== undefined;
  return { text: wantsTitle ? JSON.stringify({ title: SIDE_TITLE }) : SIDE_TEXT, chunks: 1, usage: SIDE_USAGE };
}

/**
 * Several conversations at once (e.g. tasks on two agents): each gets its own script, chosen by
 * `route` from the text of the conversation's first user message (which holds the task's prompt).
 */
export interface RoutedScenario {
  route(firstUserText: string): string;
  scripts: Record<string, Scenario>;
}

function firstUserText(raw: unknown): string {
  const first = (raw as { messages?: Array<{ role?: string; content?: unknown }> } | null)?.messages?.find((m) => m.role === 'user');
  const content = first?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((b) => (b && typeof b === 'object' && 'text' in b ? String((b as { text: unknown }).text) : '')).join('\n');
  return '';
}

/** Starts the mock on 127.0.0.1 (a free port); a scenario is consumed in order by turns. */
export async function startMockApi(scenario: Scenario | RoutedScenario): Promise<MockApi> {
  const routed = Array.isArray(scenario) ? undefined : scenario;
  const scripts = new Map<string, Reply[]>(routed ? Object.entries(routed.scripts).map(([k, v]) => [k, [...v]]) : []);
  const script = Array.isArray(scenario) ? [...scenario] : [];
  const nextTurn = (raw: unknown): Reply => (routed ? scripts.get(routed.route(firstUserText(raw)))?.shift() : script.shift()) ?? FINAL_REPLY;
  const requests: RecordedRequest[] = [];
  let seq = 0;

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    const raw = parseJson(text);
    const record = (kind: RequestKind, status: number): void => {
      requests.push({ kind, method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body: raw, status });
    };
    if (req.method !== 'POST' || (path !== MESSAGES_PATH && path !== COUNT_TOKENS_PATH)) {
      record('other', 404);
      return sendJson(res, 404, errorBody(404, `${req.method} ${path} not found`));
    }
    const parsed = MessagesRequest.safeParse(raw);
    if (!parsed.success) {
      record(path === COUNT_TOKENS_PATH ? 'count_tokens' : 'other', 400);
      return sendJson(res, 400, errorBody(400, `bad request body: ${parsed.error.message}`));
    }
    if (path === COUNT_TOKENS_PATH) {
      record('count_tokens', 200);
      return sendJson(res, 200, { input_tokens: Math.ceil(text.length / CHARS_PER_TOKEN) });
    }
    const body = parsed.data;
    const turn = isTurn(body);
    const reply = turn ? nextTurn(raw) : sideReply(body);
    seq += 1;
    if (isError(reply)) {
      record(turn ? 'turn' : 'side', reply.status);
      return sendJson(res, reply.status, reply.body ?? errorBody(reply.status), { 'request-id': `req_mock_${seq}`, ...reply.headers });
    }
    record(turn ? 'turn' : 'side', 200);
    const message = toMessage(reply, body.model, seq);
    if (body.stream === true) await streamMessage(res, message);
    else sendMessage(res, message);
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((err: unknown) => {
      // A bug in the mock or a client gone mid-request: fail this request, keep serving others.
      if (!res.headersSent) sendJson(res, 500, errorBody(500, String(err)));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}`,
    requests,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
