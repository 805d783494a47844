import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFrontMatter } from './front-matter.js';

const parse = (text: string) => parseFrontMatter('g.md', text.split('\n'));
const where = (text: string) => parse(text).errors.map((e) => [e.line, e.message]);

test('front matter sets base, verify and session, renaming the session keys', () => {
  const result = parse('---\nbase: main\nverify: npm test\nsession:\n  model: sonnet\n  permission_mode: plan\n  max_turns: 30\n---\n# T');
  assert.deepEqual(result, {
    options: { base: 'main', verify: 'npm test', session: { model: 'sonnet', permissionMode: 'plan', maxTurns: 30 } },
    bodyStart: 8,
    errors: [],
  });
});

test('a file without front matter starts its Markdown at the first line', () => {
  assert.deepEqual(parse('# T\n---\nbase: x\n---'), { options: { session: {} }, bodyStart: 0, errors: [] });
});

test('empty front matter, or only comments, sets nothing', () => {
  assert.deepEqual(parse('---\n---\nx'), { options: { session: {} }, bodyStart: 2, errors: [] });
  assert.deepEqual(parse('---\n# a comment\n---\nx'), { options: { session: {} }, bodyStart: 3, errors: [] });
});

test('unknown keys are errors naming the key at its line, at the top and under session', () => {
  assert.deepEqual(where('---\nbase: main\nbranch: dev\nsession:\n  model: x\n  turns: 3\n---'), [
    [3, 'unknown front matter key "branch": the keys are base, verify, setup, priority, timeout, retries, verify_retries, budget_usd and session'],
    [6, 'unknown front matter key "session.turns": the keys under "session" are mode, model, permission_mode, allowed_tools, max_turns and max_budget_usd'],
  ]);
});

test('an unknown key near a known one suggests it', () => {
  assert.deepEqual(where('---\nverfy: npm test\nsession:\n  permision_mode: plan\n---'), [
    [2, 'unknown front matter key "verfy": did you mean "verify"? The keys are base, verify, setup, priority, timeout, retries, verify_retries, budget_usd and session'],
    [4, 'unknown front matter key "session.permision_mode": did you mean "permission_mode"? The keys under "session" are mode, model, permission_mode, allowed_tools, max_turns and max_budget_usd'],
  ]);
});

test('wrong types are errors naming the key at its line', () => {
  assert.deepEqual(where('---\nverify: [npm, test]\nsession:\n  max_turns: 0\n  permission_mode: yolo\n---'), [
    [2, 'front matter key "verify" must be a shell command, as text'],
    [4, 'front matter key "session.max_turns" must be a whole number above 0'],
    [5, 'front matter key "session.permission_mode" must be one of acceptEdits, auto, bypassPermissions, default, dontAsk, plan'],
  ]);
});

test('max_turns must be a whole number', () => {
  assert.deepEqual(where('---\nsession:\n  max_turns: 2.5\n---'), [[3, 'front matter key "session.max_turns" must be a whole number above 0']]);
});

test('a base that YAML reads as a number asks to be quoted', () => {
  assert.deepEqual(where('---\nbase: 1234567\n---'), [
    [2, 'front matter key "base" must be a branch name or commit, as text (quote it if it looks like a number)'],
  ]);
  assert.equal(parse('---\nbase: "1234567"\n---').options.base, '1234567');
});

test('a key with no value is an error', () => {
  assert.deepEqual(where('---\nbase:\n---').map(([line]) => line), [2]);
});

test('session must be a mapping', () => {
  assert.deepEqual(where('---\nsession: fast\n---'), [
    [2, 'front matter key "session" must be indented "key: value" lines (mode, model, permission_mode, allowed_tools, max_turns and max_budget_usd)'],
  ]);
});

test('front matter that is not a mapping is an error at its first line', () => {
  assert.deepEqual(where('---\n- a\n- b\n---'), [[2, 'the front matter must be "key: value" lines']]);
});

test('YAML syntax errors give the file line', () => {
  const errors = parse('---\nbase: main\nverify: [npm\n---').errors;
  assert.equal(errors.length > 0, true);
  assert.equal(errors[0]?.code, 'front-matter');
  assert.match(errors[0]?.message ?? '', /^the front matter is not valid YAML: /);
  assert.equal(errors[0]?.line, 3);
});

test('a duplicated key is a YAML error at its second occurrence', () => {
  const errors = parse('---\nbase: a\nverify: x\nbase: b\n---').errors;
  assert.deepEqual(errors.map((e) => [e.code, e.line]), [['front-matter', 4]]);
});

test('front matter that is never closed is one error at line 1 and no body', () => {
  assert.deepEqual(parse('---\nbase: main\n# Title'), {
    options: { session: {} },
    bodyStart: undefined,
    errors: [{ code: 'front-matter', file: 'g.md', line: 1, message: 'the front matter that starts here is never closed: end it with a "---" line' }],
  });
});

test('session mode, budget and allowed tools are read and checked', () => {
  const ok = parseFrontMatter('g.md', ['---', 'session:', '  mode: headless', '  max_budget_usd: 0.5', '  allowed_tools: [Read, "Bash(npm test)"]', '---']);
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.options.session, { mode: 'headless', maxBudgetUsd: 0.5, allowedTools: ['Read', 'Bash(npm test)'] });
  const bad = parseFrontMatter('g.md', ['---', 'session:', '  mode: gui', '  max_budget_usd: -1', '  allowed_tools: Read', '---']);
  assert.deepEqual(bad.errors.map((e) => e.line), [3, 4, 5]);
  assert.match(bad.errors[0]!.message, /tui, headless/);
});

test('setup, priority, timeout, retries and verify_retries are read and renamed', () => {
  const result = parse('---\nsetup: npm ci\npriority: -2\ntimeout: 10m\nretries: 0\nverify_retries: 3\n---');
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.options, { setup: 'npm ci', priority: -2, timeoutMs: 600_000, retries: 0, verifyRetries: 3, session: {} });
  assert.equal(parse('---\ntimeout: 90\n---').options.timeoutMs, 90_000);
  assert.equal(parse('---\ntimeout: "1h"\n---').options.timeoutMs, 3_600_000);
});

test('bad setup, priority, timeout and retry counts are errors at their lines', () => {
  assert.deepEqual(where('---\nsetup: [npm, ci]\npriority: high\ntimeout: 10 minutes\nretries: -1\nverify_retries: 1.5\n---'), [
    [2, 'front matter key "setup" must be a shell command, as text'],
    [3, 'front matter key "priority" must be a whole number (higher runs first; the default is 0)'],
    [4, 'front matter key "timeout" must be a time limit above 0 and at most a week: a number of seconds, or text like "90s", "10m" or "1h"'],
    [5, 'front matter key "retries" must be a whole number, 0 or more'],
    [6, 'front matter key "verify_retries" must be a whole number, 0 or more'],
  ]);
  assert.deepEqual(where('---\ntimeout: 0\n---').map(([line]) => line), [2]);
  assert.deepEqual(where('---\ntimeout:\n---').map(([line]) => line), [2]);
  assert.deepEqual(where('---\npriority: 1.5\n---').map(([line]) => line), [2]);
});
