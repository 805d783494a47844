import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSender } from './ipc-policy.js';

const WINDOWS = new Set([7]);
const OK = { webContentsId: 7, frameUrl: 'app://claudecluster/index.html', isMainFrame: true };

test('the top frame of an app window showing an app page may talk', () => {
  assert.deepEqual(checkSender(OK, WINDOWS), { ok: true });
});

test('anything else is refused, with the reason', () => {
  const cases = [
    [{ ...OK, webContentsId: 8 }, /not an app window/],
    [{ ...OK, frameUrl: undefined }, /frame is gone/],
    [{ ...OK, isMainFrame: false }, /subframe/],
    [{ ...OK, frameUrl: 'https://evil.example/' }, /not a page of this app/],
    [{ ...OK, frameUrl: 'file:///tmp/x.html' }, /not a page of this app/],
    [{ ...OK, frameUrl: 'http://127.0.0.1:5173/' }, /not a page of this app/],
  ] as const;
  for (const [sender, reason] of cases) {
    const verdict = checkSender(sender, WINDOWS);
    assert.equal(verdict.ok, false, JSON.stringify(sender));
    assert.match(verdict.ok ? '' : verdict.reason, reason);
  }
  assert.equal(checkSender(OK, new Set()).ok, false);
});
