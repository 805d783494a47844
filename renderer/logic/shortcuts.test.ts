import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortcutFor, type KeyContext, type KeyLike } from './shortcuts.js';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
const ctx = (c: Partial<KeyContext> = {}): KeyContext => ({ mac: false, inTerminal: false, inTextField: false, otherNeedsInput: false, overlayOpen: false, maximized: false, ...c });

test('Ctrl combinations outside a terminal', () => {
  assert.deepEqual(shortcutFor(key('o', { ctrlKey: true }), ctx()), { type: 'open-goal' });
  assert.deepEqual(shortcutFor(key('Enter', { ctrlKey: true }), ctx({ inTextField: true })), { type: 'start-run' });
  assert.deepEqual(shortcutFor(key('2', { ctrlKey: true }), ctx()), { type: 'view', view: 'terminals' });
  assert.equal(shortcutFor(key('9', { ctrlKey: true }), ctx()), undefined);
  assert.equal(shortcutFor(key('o', { metaKey: true }), ctx()), undefined, '⌘ is not the modifier off macOS');
});

test('a focused terminal keeps its Ctrl keys unless another task waits for input', () => {
  const t = ctx({ inTerminal: true });
  assert.equal(shortcutFor(key('o', { ctrlKey: true }), t), undefined);
  assert.equal(shortcutFor(key('j', { ctrlKey: true }), t), undefined);
  assert.deepEqual(shortcutFor(key('j', { ctrlKey: true }), { ...t, otherNeedsInput: true }), { type: 'jump-to-input' });
  assert.deepEqual(shortcutFor(key('1', { ctrlKey: true }), t), { type: 'view', view: 'run' });
  assert.equal(shortcutFor(key('Escape'), { ...t, maximized: true }), undefined, 'Esc goes to Claude Code');
});

test('on macOS ⌘ works even in a terminal', () => {
  assert.deepEqual(shortcutFor(key('o', { metaKey: true }), ctx({ mac: true, inTerminal: true })), { type: 'open-goal' });
  assert.equal(shortcutFor(key('o', { ctrlKey: true }), ctx({ mac: true })), undefined);
});

test('Esc closes a dialog first, then restores a maximized pane', () => {
  assert.deepEqual(shortcutFor(key('Escape'), ctx({ overlayOpen: true, maximized: true })), { type: 'close-overlay' });
  assert.deepEqual(shortcutFor(key('Escape'), ctx({ maximized: true })), { type: 'restore-pane' });
  assert.equal(shortcutFor(key('Escape'), ctx()), undefined);
});

test('? opens the help only outside text fields', () => {
  assert.deepEqual(shortcutFor(key('?', { shiftKey: true }), ctx()), { type: 'help' });
  assert.equal(shortcutFor(key('?', { shiftKey: true }), ctx({ inTextField: true })), undefined);
});
