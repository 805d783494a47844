import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResultScanner } from './result-scanner.js';
import type { SessionSummary } from '../shared/protocol/control.js';
import { MAX_STRUCTURED_OUTPUT_BYTES } from '../shared/constants.js';

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');

test('finds the result event in PTY output split across chunks, with CRLF and trailing escapes', () => {
  const s = new ResultScanner();
  const line = JSON.stringify({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0.0123, num_turns: 3, result: 'All done' });
  s.push(enc('{"type":"system","subtype":"init"}\r\n\x1b[?25h'));
  s.push(enc(line.slice(0, 20)));
  s.push(enc(`${line.slice(20)}\r\n\x1b[0m`));
  assert.deepEqual(s.summary, { subtype: 'success', isError: false, costUsd: 0.0123, numTurns: 3, text: 'All done' });
});

test('ignores text that merely mentions a result and keeps the last real one', () => {
  const s = new ResultScanner();
  s.push(enc('the "result" of this is {not json\n'));
  assert.equal(s.summary, null);
  s.push(enc(`${JSON.stringify({ type: 'result', subtype: 'error_max_turns', is_error: true, num_turns: 9 })}\n`));
  // Read through a function: the assertion above narrowed `s.summary` to null for the compiler.
  const summary = (): SessionSummary | null => s.summary;
  assert.equal(summary()?.subtype, 'error_max_turns');
  assert.equal(summary()?.isError, true);
  assert.equal(summary()?.costUsd, 0);
});

test('keeps the structured output of a --json-schema session; one over the cap is dropped and said so', () => {
  const plan = { tasks: [{ id: 'a', title: 'A', prompt: 'Do A', after: [] }] };
  const s = new ResultScanner();
  s.push(enc(`${JSON.stringify({ type: 'result', subtype: 'success', is_error: false, num_turns: 2, result: JSON.stringify(plan), structured_output: plan })}\r\n`));
  assert.deepEqual(s.summary?.structuredOutput, plan);
  const big = { blob: 'x'.repeat(MAX_STRUCTURED_OUTPUT_BYTES) };
  const t = new ResultScanner();
  t.push(enc(`${JSON.stringify({ type: 'result', subtype: 'success', is_error: false, num_turns: 2, result: 'ok', structured_output: big })}\n`));
  assert.equal(t.summary?.structuredOutput, undefined);
  assert.match(t.summary?.text ?? '', /structured output is \d+ bytes; at most 262144/);
});
