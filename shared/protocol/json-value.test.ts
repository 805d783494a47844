import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STRUCTURED_OUTPUT_BYTES } from '../constants.js';
import { SessionOptionsSchema, SessionSummary } from './control.js';
import { jsonBytes } from './json-value.js';

test('jsonBytes counts UTF-8 bytes of the JSON text, and refuses what is not JSON', () => {
  assert.equal(jsonBytes({ a: 'é€😀' }), '{"a":""}'.length + 2 + 3 + 4);
  assert.equal(jsonBytes(undefined), undefined);
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  assert.equal(jsonBytes(cyclic), undefined);
});

test('a session summary carries structured output up to the cap', () => {
  const summary = { subtype: 'success', isError: false, costUsd: 0, numTurns: 1 };
  assert.ok(SessionSummary.safeParse({ ...summary, structuredOutput: { tasks: [] } }).success);
  assert.ok(SessionSummary.safeParse({ ...summary, structuredOutput: null }).success);
  const big = 'x'.repeat(MAX_STRUCTURED_OUTPUT_BYTES);
  assert.ok(!SessionSummary.safeParse({ ...summary, structuredOutput: big }).success);
});

test('a session\'s JSON Schema must be a JSON object', () => {
  assert.ok(SessionOptionsSchema.safeParse({ mode: 'headless', jsonSchema: '{"type":"object"}' }).success);
  for (const bad of ['not json', '[1]', 'null', '"s"']) assert.ok(!SessionOptionsSchema.safeParse({ jsonSchema: bad }).success, bad);
});
