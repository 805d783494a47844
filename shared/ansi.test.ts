import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripAnsi } from './ansi.js';

test('strips colours, cursor moves, private modes, titles and charset selection', () => {
  const raw = '\x1b]0;✳ Claude Code\x07\x1b[1;32mdone\x1b[0m \x1b(B\x1b[>4m\x1b[<u\x1b7\x1b8\x1b[?25h\x1b[2K ok\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\';
  assert.equal(stripAnsi(raw), 'done  oklink');
});
