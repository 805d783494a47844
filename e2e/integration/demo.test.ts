/** `npm run demo` works as the README promises: scripted model, real CLI, two agents, a branch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../harness.js';

test('the demo runs a goal on two agents with the real CLI and says the model is scripted', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'e2e', 'demo.js')], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, r.stdout.slice(-3000) + r.stderr);
  assert.match(r.stdout, /THE MODEL IS SCRIPTED/);
  assert.match(r.stdout, /Done: 3\/3 task\(s\) merged/);
  assert.match(r.stdout, /agent alpha: \d task/);
  assert.match(r.stdout, /agent beta: \d task/);
  assert.match(r.stdout, /Hello, Ada!/);
});
