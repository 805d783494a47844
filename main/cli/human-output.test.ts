import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HumanOutput } from './human-output.js';

test('each merge says how many of the run\'s tasks have merged', () => {
  const lines: string[] = [];
  const out = new HumanOutput((s) => lines.push(s), false);
  out.runStarted({ runId: 'r', branch: 'claudecluster/r', base: 'a'.repeat(40), tasks: [{ id: 'a', title: 'A', after: [] }, { id: 'b', title: 'B', after: ['a'] }] });
  out.taskStatus({ id: 'a', title: 'A', status: 'running', agent: 'm1' });
  out.taskStatus({ id: 'a', title: 'A', status: 'merged', agent: 'm1', durationMs: 1500, costUsd: 0.01 });
  // Said again (a resumed run, say): still one.
  out.taskStatus({ id: 'a', title: 'A', status: 'merged', agent: 'm1', durationMs: 1500, costUsd: 0.01 });
  out.taskStatus({ id: 'b', title: 'B', status: 'merged', agent: 'm2', durationMs: 500, costUsd: 0 });
  assert.deepEqual(lines.slice(3), [
    '▶ a running on m1\n',
    '✓ a merged on m1 in 1.5s, $0.0100  [1/2 merged]\n',
    '✓ a merged on m1 in 1.5s, $0.0100  [1/2 merged]\n',
    '✓ b merged on m2 in 0.5s, $0.0000  [2/2 merged]\n',
  ]);
});
