// The real Claude Code CLI (pinned devDependency), headless and offline, against the mock API.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { type as osType } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type ClaudeRun, type Sandbox, type StreamEvent } from './run-claude.js';
import { startMockApi, type MockApi, type Scenario } from './server.js';

/** A generous bound for one CLI run (usually about a second); a hang fails instead of blocking. */
const opts = { timeout: 60_000 };

async function sandbox(t: TestContext, scenario: Scenario | ((cwd: string) => Scenario)): Promise<Sandbox> {
  const box = await createSandbox(scenario);
  t.after(() => box.dispose());
  return box;
}

const turns = (api: MockApi) => api.requests.filter((r) => r.kind === 'turn');
const ofType = (run: ClaudeRun, type: string, subtype?: string): StreamEvent[] =>
  run.events.filter((e) => e.type === type && (subtype === undefined || e.subtype === subtype));

interface ToolResult { type: string; content: unknown; is_error?: boolean }
/** The tool_result blocks the CLI sent back, from its `user` events. */
function toolResults(run: ClaudeRun): ToolResult[] {
  return ofType(run, 'user')
    .flatMap((e) => (e['message'] as { content: ToolResult[] }).content)
    .filter((b) => b.type === 'tool_result');
}

/** The text of an SSE stream: its text_delta pieces joined. */
function streamedText(sse: string): string {
  return sse.split('\n').filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice('data: '.length)) as { delta?: { text?: string } })
    .map((e) => e.delta?.text ?? '').join('');
}

function usage(run: ClaudeRun): { input_tokens: number; output_tokens: number } {
  return run.result?.['usage'] as { input_tokens: number; output_tokens: number };
}

test('the mock answers side requests, count_tokens and unknown routes without using the script', opts, async (t) => {
  const api = await startMockApi([{ text: 'scripted' }]);
  t.after(() => api.close());
  const post = (path: string, body: object) => fetch(`${api.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const titleFormat = { type: 'json_schema', schema: { type: 'object', properties: { title: { type: 'string' } } } };

  const title = (await (await post('/v1/messages', { model: 'm', tools: [], output_config: { format: titleFormat }, messages: [] })).json()) as
    { content: Array<{ text: string }> };
  assert.deepEqual(JSON.parse(title.content[0]?.text ?? ''), { title: 'Mock session' });
  const counted = (await (await post('/v1/messages/count_tokens', { model: 'm', messages: [] })).json()) as { input_tokens: number };
  assert.ok(counted.input_tokens > 0);
  const missing = await fetch(`${api.url}/v1/models`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { type: string }).type, 'error');

  const turn = async (): Promise<string> =>
    streamedText(await (await post('/v1/messages', { model: 'm', tools: [{ name: 'Bash' }], stream: true, messages: [] })).text());
  assert.equal(await turn(), 'scripted');
  assert.equal(await turn(), 'Done.');
  assert.deepEqual(api.requests.map((r) => r.kind), ['side', 'count_tokens', 'other', 'turn', 'turn']);
});

test('a sandbox leaves nothing behind: HOME and cwd removed, the port closed', opts, async () => {
  const box = await createSandbox([]);
  await box.dispose();
  await assert.rejects(access(box.home));
  await assert.rejects(access(box.cwd));
  await assert.rejects(fetch(`${box.api.url}/v1/messages`, { method: 'POST', body: '{}' }));
});

test('a text reply: success, the text, and a cost from the scripted usage', opts, async (t) => {
  const text = 'Hello from the mock API, streamed in pieces.';
  const box = await sandbox(t, [{ text, chunks: 4, usage: { input_tokens: 1200, output_tokens: 300 } }]);
  const run = await box.claude('say hello');

  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.result?.subtype, 'success');
  assert.equal(run.result?.['is_error'], false);
  assert.equal(run.result?.['result'], text);
  assert.ok((run.result?.['total_cost_usd'] as number) > 0);
  assert.deepEqual(usage(run), { ...usage(run), input_tokens: 1200, output_tokens: 300 });
  assert.deepEqual(turns(box.api).map((r) => (r.body as { stream: boolean }).stream), [true]);
});

test('Write then Edit really change the file in the cwd', opts, async (t) => {
  const box = await sandbox(t, (cwd) => [
    { tools: [{ name: 'Write', input: { file_path: join(cwd, 'hello.txt'), content: 'hello world\n' } }] },
    { text: 'Now the edit.', tools: [{ name: 'Edit', input: { file_path: join(cwd, 'hello.txt'), old_string: 'world', new_string: 'mock' } }] },
  ]);
  const run = await box.claude('write and edit', ['--permission-mode', 'acceptEdits']);

  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.result?.['result'], 'Done.');
  assert.equal(await readFile(join(box.cwd, 'hello.txt'), 'utf8'), 'hello mock\n');
  assert.deepEqual(toolResults(run).map((r) => r.is_error ?? false), [false, false]);
  // Each tool_result went back to the API in the next turn: Write's, Edit's, then "Done.".
  assert.equal(turns(box.api).length, 3);
});

const BASH: Scenario = [{ tools: [{ name: 'Bash', input: { command: 'printf %s "$((6 * 7))" > answer.txt && uname -s', description: 'Compute' } }] }];

for (const [how, args, env] of [
  ['--allowedTools Bash', ['--allowedTools', 'Bash', '--'], {}],
  ['bypassPermissions with IS_SANDBOX=1 (as root)', ['--permission-mode', 'bypassPermissions'], { IS_SANDBOX: '1' }],
] as const) {
  test(`Bash runs in the cwd with ${how}`, opts, async (t) => {
    const box = await sandbox(t, BASH);
    const run = await box.claude('compute', [...args], env);

    assert.equal(run.code, 0, run.stderr);
    assert.equal(await readFile(join(box.cwd, 'answer.txt'), 'utf8'), '42');
    assert.deepEqual(toolResults(run).map((r) => [r.content, r.is_error]), [[osType(), false]]);
  });
}

test('Bash is refused in -p without a permission for it, and reported as a denial', opts, async (t) => {
  const box = await sandbox(t, BASH);
  const run = await box.claude('compute');

  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(toolResults(run).map((r) => r.is_error), [true]);
  assert.equal(await readFile(join(box.cwd, 'answer.txt'), 'utf8').catch(() => 'absent'), 'absent');
  assert.deepEqual((run.result?.['permission_denials'] as Array<{ tool_name: string }>).map((d) => d.tool_name), ['Bash']);
});

test('a 401 ends the run with an authentication error and exit 1', opts, async (t) => {
  const box = await sandbox(t, [{ status: 401 }]);
  const run = await box.claude('hi');

  assert.equal(run.code, 1);
  assert.equal(run.result?.['is_error'], true);
  assert.equal(run.result?.['api_error_status'], 401);
  assert.match(run.result?.['result'] as string, /Invalid API key/);
  assert.equal(turns(box.api).length, 1);
});

test('a 529 is retried CLAUDE_CODE_MAX_RETRIES times, then the run fails', opts, async (t) => {
  const box = await sandbox(t, [{ status: 529 }, { status: 529 }, { status: 529 }]);
  const run = await box.claude('hi', [], { CLAUDE_CODE_MAX_RETRIES: '2' });

  assert.equal(run.code, 1);
  assert.equal(run.result?.['is_error'], true);
  assert.match(run.result?.['result'] as string, /529 Overloaded/);
  assert.deepEqual(ofType(run, 'system', 'api_retry').map((e) => [e['attempt'], e['error_status']]), [[1, 529], [2, 529]]);
  assert.deepEqual(turns(box.api).map((r) => r.status), [529, 529, 529]);
});

test('a slow stream still completes', opts, async (t) => {
  const chunks = 5;
  const delayMs = 150;
  const text = 'a reply that trickles in slowly';
  const box = await sandbox(t, [{ text, chunks, delayMs }]);
  const run = await box.claude('hi');

  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.result?.['result'], text);
  // The mock waits before every delta, so the run cannot have been quicker than that.
  assert.ok(run.elapsedMs >= chunks * delayMs, `took ${run.elapsedMs} ms`);
});
