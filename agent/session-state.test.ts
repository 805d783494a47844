import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costOf, failureReason, onHook } from './session-state.js';

test('hooks drive the states of a turn', () => {
  assert.deepEqual(onHook('starting', 'SessionStart', {}), undefined);
  assert.deepEqual(onHook('starting', 'UserPromptSubmit', { prompt: 'x' }), { state: 'working' });
  assert.deepEqual(onHook('working', 'Notification', { notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' }), { state: 'needs-input', detail: 'Claude needs your permission to use Bash' });
  assert.deepEqual(onHook('needs-input', 'PostToolUse', {}), { state: 'working' });
  assert.deepEqual(onHook('working', 'PermissionRequest', { tool_name: 'Bash' }), { state: 'needs-input', detail: 'Claude wants to use Bash: allow or deny it in the terminal' });
  assert.deepEqual(onHook('working', 'PostToolUse', {}), undefined);
  assert.deepEqual(onHook('working', 'Notification', { notification_type: 'idle_prompt' }), undefined);
  assert.deepEqual(onHook('working', 'Stop', { stop_hook_active: false }), { state: 'turn-done' });
  assert.deepEqual(onHook('turn-done', 'UserPromptSubmit', {}), { state: 'working' });
  assert.deepEqual(onHook('turn-done', 'SessionEnd', {}), { state: 'exited' });
});

test('a failed session stays failed until it ends', () => {
  assert.deepEqual(onHook('working', 'StopFailure', { error: 'authentication_failed' }), { state: 'failed', detail: 'not logged in / invalid API key' });
  assert.equal(onHook('failed', 'UserPromptSubmit', {}), undefined);
  assert.deepEqual(onHook('failed', 'SessionEnd', {}), { state: 'exited' });
});

test('failure reasons name what to do', () => {
  assert.equal(failureReason(undefined, 'Not logged in · Please run /login'), 'not logged in / invalid API key');
  assert.equal(failureReason('error_max_budget_usd'), 'budget exceeded');
  assert.equal(failureReason('error_max_turns'), 'turn limit reached');
  assert.equal(failureReason('server_error', 'Overloaded'), 'API error: overloaded');
  assert.match(failureReason('weird', 'Something odd'), /^API error: Something odd/);
});

test('the running cost comes from the statusLine payload', () => {
  assert.equal(costOf({ cost: { total_cost_usd: 0.0123 } }), 0.0123);
  assert.equal(costOf({ cost: { total_cost_usd: -1 } }), undefined);
  assert.equal(costOf(null), undefined);
});

test('numbers inside other text (a port, say) are not status codes', () => {
  assert.equal(failureReason(undefined, 'API Error: Repeated 529 Overloaded errors (127.0.0.1:54013)'), 'API error: overloaded');
  assert.equal(failureReason(undefined, 'gateway 127.0.0.1:44012 unreachable'), 'API error: gateway 127.0.0.1:44012 unreachable');
});
