import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamJsonRenderer } from './stream-json-render.js';
import { stripAnsi } from '../shared/ansi.js';

/** The stand-in CLI (built by `npx tsc -b e2e`); this file runs from dist/agent/. */
const FAKE_CLAUDE = fileURLToPath(new URL('../../e2e/fixtures/fake-claude', import.meta.url));
const CWD = '/home/u/proj';

const init = { type: 'system', subtype: 'init', session_id: '0123456789abcdef', tools: [], model: 'claude-x', permissionMode: 'acceptEdits', cwd: CWD };
const assistant = (block: unknown) => ({ type: 'assistant', message: { role: 'assistant', content: [block] }, session_id: 's' });
const user = (block: unknown) => ({ type: 'user', message: { role: 'user', content: [block] }, session_id: 's' });
const toolUse = (name: string, input: unknown) => assistant({ type: 'tool_use', id: 't1', name, input });
const toolResult = (content: unknown, isError = false) => user({ type: 'tool_result', tool_use_id: 't1', content, is_error: isError });
const result = (fields: Record<string, unknown>) => ({ type: 'result', subtype: 'success', is_error: false, ...fields });
const ndjson = (events: unknown[]): string => events.map((e) => `${JSON.stringify(e)}\n`).join('');

function render(input: unknown[] | string, opts: { cols?: number; color?: boolean } = {}): string {
  const r = new StreamJsonRenderer({ color: false, ...opts });
  return r.push(typeof input === 'string' ? input : ndjson(input)) + r.end();
}
const lines = (out: string): string[] => out.split('\r\n').slice(0, -1);
/** The last line a rendering shows. */
const last = (out: string): string | undefined => lines(out).at(-1);

test('system/init is one dim line: session, model, permission mode, cwd basename', () => {
  assert.equal(render([init]), '● session 01234567 · claude-x · acceptEdits · proj\r\n');
  assert.equal(render([init], { color: true }), '\x1b[2m● session 01234567 · claude-x · acceptEdits · proj\x1b[0m\r\n');
});

test('assistant text is wrapped to cols, keeping paragraphs, list indents and code fences', () => {
  const text = [
    'The quick brown fox jumps over the lazy dog and keeps running far away.',
    '',
    '- a list item that goes on long enough to wrap',
    '```ts',
    'const veryLongVariableName = someFunction(argumentOne, argumentTwo);',
    '```',
    'Supercalifragilisticexpialidocious-and-then-some-more-letters',
  ].join('\n');
  const out = render([assistant({ type: 'text', text })], { cols: 40 });
  assert.deepEqual(lines(out), [
    'The quick brown fox jumps over the lazy',
    'dog and keeps running far away.',
    '',
    '- a list item that goes on long enough',
    '  to wrap',
    '  ```ts',
    '  const veryLongVariableName = someFunc…',
    '  ```',
    'Supercalifragilisticexpialidocious-and-t',
    'hen-some-more-letters',
  ]);
  for (const l of lines(out)) assert.ok([...l].length <= 40, l);
});

test('setCols changes the width of what follows', () => {
  const r = new StreamJsonRenderer({ color: false });
  const text = ndjson([assistant({ type: 'text', text: 'alpha beta gamma delta epsilon zeta eta theta' })]);
  assert.deepEqual(lines(r.push(text)), ['alpha beta gamma delta epsilon zeta eta theta']);
  r.setCols(20);
  assert.deepEqual(lines(r.push(text)), ['', 'alpha beta gamma', 'delta epsilon zeta', 'eta theta']);
});

test('a replayed user prompt is one dim line', () => {
  const prompt = { type: 'user', message: { role: 'user', content: 'Fix the\nbug' } };
  assert.equal(render([prompt], { cols: 20 }), '❯ Fix the bug\r\n');
});

test('thinking is one dim italic line, without its content', () => {
  const out = render([assistant({ type: 'thinking', thinking: 'secret plans', signature: 'x' })]);
  assert.equal(out, '✻ thinking…\r\n');
  assert.equal(render([assistant({ type: 'thinking', thinking: 'secret plans' })], { color: true }), '\x1b[2;3m✻ thinking…\x1b[0m\r\n');
});

test('tool_use is the tool name and a one-line summary of its input', () => {
  const cases: [string, unknown, string][] = [
    ['Write', { file_path: `${CWD}/src/greet.js`, content: 'a\nb\nc\n' }, '⏺ Write src/greet.js (3 lines)'],
    ['Write', { file_path: '/etc/motd', content: 'hi' }, '⏺ Write /etc/motd (1 line)'],
    ['Edit', { file_path: `${CWD}/src/a.ts`, old_string: 'a', new_string: 'b' }, '⏺ Edit src/a.ts'],
    ['Bash', { command: 'npm test', description: 'Run tests' }, '⏺ Bash npm test'],
    ['Bash', { command: 'cd src\nmake all' }, '⏺ Bash cd src …'],
    ['Read', { file_path: `${CWD}/README.md` }, '⏺ Read README.md'],
    ['Grep', { pattern: 'TODO', path: `${CWD}/src` }, '⏺ Grep "TODO" in src'],
    ['Glob', { pattern: '**/*.ts' }, '⏺ Glob **/*.ts'],
    ['WebFetch', { url: 'https://example.com/a', prompt: 'summarise' }, '⏺ WebFetch https://example.com/a'],
    ['TodoWrite', { todos: [{}, {}, {}] }, '⏺ TodoWrite 3 items'],
    ['Task', { description: 'Find the bug', prompt: 'long prompt' }, '⏺ Task Find the bug'],
    ['mcp__srv__do', { a: 1, b: 'x' }, '⏺ mcp__srv__do {"a":1,"b":"x"}'],
    ['Bash', { cmd: 'not the usual field' }, '⏺ Bash {"cmd":"not the usual field"}'],
  ];
  for (const [name, input, expected] of cases) assert.equal(last(render([init, toolUse(name, input)])), expected);
  const long = last(render([toolUse('Other', { text: 'x'.repeat(200) })], { cols: 40 }));
  assert.equal(long, `⏺ Other {"text":"${'x'.repeat(22)}…`);
  assert.equal([...(long ?? '')].length, 40);
  assert.equal(render([toolUse('Bash', { command: 'ls' })], { color: true }), '\x1b[1;36m⏺ Bash\x1b[0m ls\r\n');
});

test('tool_result hangs under its tool: up to 4 lines, then a count; errors in red', () => {
  assert.equal(render([toolUse('Bash', { command: 'ls' }), toolResult('a.txt\nb.txt')]), '⏺ Bash ls\r\n  ⎿ a.txt\r\n    b.txt\r\n');
  const parts = [{ type: 'text', text: 'a\nb\nc' }, { type: 'text', text: 'd\ne\nf\n' }];
  assert.deepEqual(lines(render([toolResult(parts)])), ['  ⎿ a', '    b', '    c', '    d', '    … +2 lines']);
  assert.deepEqual(lines(render([toolResult('')])), ['  ⎿ (no output)']);
  assert.deepEqual(lines(render([toolResult(`${'y'.repeat(60)}\n`)], { cols: 30 })), [`  ⎿ ${'y'.repeat(25)}…`]);
  const err = render([toolResult('Exit code 1\nboom', true)], { color: true });
  assert.equal(err, '\x1b[2m  ⎿ \x1b[0m\x1b[31mExit code 1\x1b[0m\r\n    \x1b[31mboom\x1b[0m\r\n');
});

test('result is a final summary line: done or the error, cost, turns and time', () => {
  const ok = result({ total_cost_usd: 0.01234, num_turns: 3, duration_ms: 4567, result: 'All good' });
  assert.equal(render([ok]), '✓ done · $0.0123 · 3 turns · 4.6s\r\n');
  assert.equal(render([ok], { color: true }), '\x1b[32m✓ done\x1b[0m\x1b[2m · $0.0123 · 3 turns · 4.6s\x1b[0m\r\n');
  const maxTurns = result({ subtype: 'error_max_turns', is_error: true, total_cost_usd: 0.002, num_turns: 2, duration_ms: 1000, errors: ['Reached maximum number of turns (2)'] });
  assert.equal(render([maxTurns]), '✗ error_max_turns: Reached maximum number of turns (2) · $0.0020 · 2 turns · 1.0s\r\n');
  assert.ok(render([maxTurns], { color: true }).startsWith('\x1b[31m✗ error_max_turns: '));
  const loggedOut = result({ is_error: true, total_cost_usd: 0, num_turns: 1, duration_ms: 20, result: 'Not logged in · Please run /login' });
  assert.equal(render([loggedOut]), '✗ Not logged in · Please run /login · $0.0000 · 1 turn · 0.0s\r\n');
  assert.equal(render([result({ subtype: 'error_during_execution', is_error: true })]), '✗ error_during_execution\r\n');
});

test('items are separated by blank lines, and colours strip back to the plain rendering', () => {
  const events = [init, assistant({ type: 'text', text: 'Let me look.' }), toolUse('Bash', { command: 'ls' }), toolResult('a.txt'),
    assistant({ type: 'thinking', thinking: '' }), assistant({ type: 'text', text: 'Done.' }), result({ total_cost_usd: 0.003, num_turns: 3, duration_ms: 1200 })];
  const plain = render(events);
  assert.deepEqual(lines(plain), [
    '● session 01234567 · claude-x · acceptEdits · proj', '', 'Let me look.', '', '⏺ Bash ls', '  ⎿ a.txt', '', '✻ thinking…', '', 'Done.',
    '', '✓ done · $0.0030 · 3 turns · 1.2s',
  ]);
  const colored = render(events, { color: true });
  assert.notEqual(colored, plain);
  assert.equal(stripAnsi(colored), plain);
});

const transcript = ndjson([
  init,
  assistant({ type: 'text', text: 'héllo wörld ✓ 😀 日本語 — ünïcödé everywhere, wrapped: ' + 'ä'.repeat(50) }),
  toolUse('Write', { file_path: `${CWD}/ß.txt`, content: '€\n£\n' }),
  toolResult([{ type: 'text', text: '✓ wrote ß.txt\n…\n😀\n4\n5' }]),
  result({ total_cost_usd: 0.5, num_turns: 2, duration_ms: 10 }),
]);

test('input split anywhere, even inside a UTF-8 character or a CRLF, renders as if whole', () => {
  const whole = render(transcript, { cols: 40 });
  assert.match(whole, /😀 日本語/);
  for (const text of [transcript, transcript.replace(/\n/g, '\r\n')]) {
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 1; i < bytes.length; i++) {
      const r = new StreamJsonRenderer({ color: false, cols: 40 });
      assert.equal(r.push(bytes.subarray(0, i)) + r.push(bytes.subarray(i)) + r.end(), whole, `split at byte ${i}`);
    }
    const r = new StreamJsonRenderer({ color: false, cols: 40 });
    let byByte = '';
    for (const b of bytes) byByte += r.push(Uint8Array.of(b));
    assert.equal(byByte + r.end(), whole);
  }
});

test('an over-long line is skipped with a note, and the stream goes on', () => {
  const r = new StreamJsonRenderer({ color: false });
  const piece = 'a'.repeat(1024 * 1024);
  let out = r.push('{"type":"user","message":{"content":"');
  for (let i = 0; i < 17; i++) out += r.push(piece);
  out += r.push(`"}}\n${JSON.stringify(result({ num_turns: 1 }))}\n`);
  assert.equal(out + r.end(), '… skipped an over-long line\r\n\r\n✓ done · 1 turn\r\n');
});

test('push shows complete lines only; end() shows an unterminated last line', () => {
  const r = new StreamJsonRenderer({ color: false });
  const line = JSON.stringify(result({ num_turns: 1 }));
  assert.equal(r.push(line.slice(0, 10)), '');
  assert.equal(r.push(line.slice(10)), '');
  assert.equal(r.end(), '✓ done · 1 turn\r\n');
});

test('PTY output: CRLF line ends and escape sequences around lines are ignored', () => {
  const [a, b] = [JSON.stringify(init), JSON.stringify(assistant({ type: 'text', text: 'Hi' }))];
  const pty = `\x1b[?25l${a}\r\n\x1b]0;✳ Claude Code\x07${b}\x1b[0m\r\n\x1b[?25h`;
  // A line of only escapes keeps its effect, without becoming a blank line.
  assert.equal(render(pty), `${render([init, assistant({ type: 'text', text: 'Hi' })])}\x1b[?25h`);
});

test('non-JSON lines pass through unchanged', () => {
  const msg = 'Error: Input must be provided either through stdin or as a prompt argument when using --print';
  assert.equal(render(`${msg}\n`), `${msg}\r\n`);
  assert.equal(render(`\x1b[31m${msg}\x1b[0m\r\n`, { color: true }), `\x1b[31m${msg}\x1b[0m\r\n`);
  assert.equal(render(`${msg}\n${JSON.stringify(result({ num_turns: 1 }))}\n\n[1,2]\n`), `${msg}\r\n✓ done · 1 turn\r\n\r\n[1,2]\r\n`);
});

test('malformed JSON and unknown events are shown compactly dimmed, never thrown', () => {
  const unknownBlock = { type: 'server_tool_use', id: 'x' };
  const cases: [string, string][] = [
    ['{"type":"assistant","message":', '{"type":"assistant","message":'],
    ['{"type":"stream_event","event":{"type":"content_block_delta"}}', '{"type":"stream_event","event":{"type":"content_block_delta"}}'],
    ['{"type":"assistant","message":5}', '{"type":"assistant","message":5}'],
    ['{"type":"result","subtype":7}', '{"type":"result","subtype":7}'],
    ['{"type":"system","subtype":"init"}', '{"type":"system","subtype":"init"}'],
    ['{"no_type":true}', '{"no_type":true}'],
    [JSON.stringify(assistant(unknownBlock)), JSON.stringify(unknownBlock)],
  ];
  for (const [input, shown] of cases) {
    assert.equal(render(`${input}\n`), `${shown}\r\n`);
    assert.equal(render(`${input}\n`, { color: true }), `\x1b[2m${shown}\x1b[0m\r\n`);
  }
  assert.equal(render(`{"type":"x","pad":"${'z'.repeat(100)}"}\n`, { cols: 30 }), `{"type":"x","pad":"zzzzzzzzzz…\r\n`);
});

test('a real transcript from the stand-in CLI renders its summary lines', { timeout: 30_000 }, async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cc-render-')));
  try {
    const prompt = '!write a.txt hi\n!run ls\n!run echo oops; exit 3\n!say All done.';
    const env = { ...process.env };
    delete env.FAKE_CLAUDE_LOGGED_OUT;
    const child = spawn(FAKE_CLAUDE, ['-p', prompt, '--output-format', 'stream-json', '--verbose'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const r = new StreamJsonRenderer({ color: false, cols: 80 });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += r.push(chunk); });
    const [code] = await once(child, 'close') as [number | null];
    out += r.end();
    assert.equal(code, 0);
    const shown = lines(out);
    assert.match(shown[0] ?? '', new RegExp(`^● session [0-9a-f]{8} · \\S+ · default · ${basename(dir)}$`));
    const body = shown.slice(1, -1);
    assert.deepEqual(body, [
      '', '⏺ Write a.txt (1 line)', `  ⎿ File created successfully at: ${join(dir, 'a.txt')}`,
      '', '⏺ Bash ls', '  ⎿ a.txt',
      '', '⏺ Bash echo oops; exit 3', '  ⎿ Exit code 3', '    oops',
      '', 'All done.', '',
    ]);
    assert.match(shown.at(-1) ?? '', /^✓ done · \$0\.0040 · 4 turns · \d+\.\ds$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hook bookkeeping events from the agent\'s own relay render as nothing', () => {
  const r = new StreamJsonRenderer({ color: false });
  const line = (o: object): string => `${JSON.stringify(o)}\n`;
  assert.equal(r.push(line({ type: 'system', subtype: 'hook_started', hook_id: 'x', hook_name: 'Stop' }) + line({ type: 'system', subtype: 'hook_response', hook_id: 'x' })), '');
});
