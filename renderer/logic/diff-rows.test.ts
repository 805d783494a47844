import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hunksOf, sideBySideRows, unifiedRows } from './diff-rows.js';

const patch = [
  'diff --git a/src/x.ts b/src/x.ts',
  'index 1111111..2222222 100644',
  '--- a/src/x.ts',
  '+++ b/src/x.ts',
  '@@ -1,4 +1,3 @@',
  ' keep',
  '-old one',
  '-old two',
  '+new one',
  ' tail',
  '\\ No newline at end of file',
  '',
].join('\n');

test('unified rows number both sides and keep the hunk header', () => {
  const rows = unifiedRows(hunksOf({ patch }));
  assert.deepEqual(rows, [
    { kind: 'hunk', text: '@@ -1,4 +1,3 @@' },
    { kind: 'context', oldNo: 1, newNo: 1, text: 'keep' },
    { kind: 'del', oldNo: 2, text: 'old one' },
    { kind: 'del', oldNo: 3, text: 'old two' },
    { kind: 'add', newNo: 2, text: 'new one' },
    { kind: 'context', oldNo: 4, newNo: 3, text: 'tail' },
  ]);
});

test('side by side pairs removed lines with added ones and leaves the rest blank', () => {
  const rows = sideBySideRows(hunksOf({ patch }));
  assert.deepEqual(rows.slice(1), [
    { kind: 'pair', left: { no: 1, kind: 'context', text: 'keep' }, right: { no: 1, kind: 'context', text: 'keep' } },
    { kind: 'pair', left: { no: 2, kind: 'del', text: 'old one' }, right: { no: 2, kind: 'add', text: 'new one' } },
    { kind: 'pair', left: { no: 3, kind: 'del', text: 'old two' } },
    { kind: 'pair', left: { no: 4, kind: 'context', text: 'tail' }, right: { no: 3, kind: 'context', text: 'tail' } },
  ]);
});

test('without a patch, both sides of the file are diffed here', () => {
  const rows = unifiedRows(hunksOf({ patch: '', before: 'a\nb\n', after: 'a\nc\n' }));
  assert.deepEqual(rows.filter((r) => r.kind !== 'hunk').map((r) => `${r.kind}:${'text' in r ? r.text : ''}`), ['context:a', 'del:b', 'add:c']);
});

test('a capped patch whose last hunk is cut short still shows what it has', () => {
  const cut = ['--- a/f', '+++ b/f', '@@ -10,50 +10,60 @@', ' ctx', '+added', '@@ -200 +210 @@', '-gone'].join('\n');
  const hunks = hunksOf({ patch: cut });
  assert.equal(hunks.length, 2);
  assert.deepEqual(unifiedRows(hunks).map((r) => r.kind), ['hunk', 'context', 'add', 'hunk', 'del']);
  assert.deepEqual(hunks[1] && [hunks[1].oldStart, hunks[1].oldLines, hunks[1].newStart], [200, 1, 210]);
});
