/** A run's budget: once it is spent, no new task is dispatched; the report shows what was spent. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, makeRepo, runCli } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

test('a spent run budget stops new dispatches', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  // The stand-in costs $0.001 a turn (headless); a spends more than the whole budget, so b never starts.
  await writeFile(goal, '---\nbudget_usd: 0.0015\nsession:\n  mode: headless\n---\n# Budget\n\nTwo steps.\n\n## Tasks\n- a: First\n  !write a.txt a\n- b: Second\n  after: a\n  !write b.txt b\n');
  const r = await runCli(['run', goal, '--repo', repo, '--local', '1', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 1);
  const { summary } = r.events.find((e) => e['type'] === 'run-finished') as { summary: { costUsd: number; agents: Array<{ costUsd: number }>; tasks: Array<{ id: string; status: string; error?: string; costUsd?: number }> } };
  const [a, b] = summary.tasks;
  assert.equal(a!.status, 'merged');
  assert.ok((a!.costUsd ?? 0) > 0.0015);
  assert.equal(b!.status, 'failed');
  assert.match(b!.error ?? '', /budget of \$0\.0015 is spent/);
  assert.ok(!r.events.some((e) => e['type'] === 'task-status' && (e['task'] as { id: string; status: string }).id === 'b' && (e['task'] as { status: string }).status === 'dispatching'), 'b was never dispatched');
  assert.equal(summary.costUsd, a!.costUsd);
  assert.equal(summary.agents[0]!.costUsd, a!.costUsd);
});

test('a task tried twice costs what both attempts cost, and the run the sum of its tasks', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  const mark = join(tmp, 'first-attempt-ran');
  // The stand-in costs $0.001 a turn (headless); a fails the first time (ok.txt only on a second run).
  await writeFile(goal, `---\nsession:\n  mode: headless\n---\n# Twice\n\n## Tasks\n- a: Flaky\n  !run [ -e ${mark} ] && touch ok.txt; touch ${mark}\n  !require ok.txt\n  !write a.txt a\n- b: Once\n  !write b.txt b\n`);
  const r = await runCli(['run', goal, '--repo', repo, '--local', '1', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  const { summary } = r.events.find((e) => e['type'] === 'run-finished') as { summary: { costUsd: number; tasks: Array<{ id: string; attempts?: number; costUsd?: number }> } };
  const [a, b] = summary.tasks;
  assert.equal(a!.attempts, 2);
  assert.ok(b!.costUsd! > 0);
  assert.ok(Math.abs(a!.costUsd! - 2 * b!.costUsd!) < 1e-9, `a cost ${a!.costUsd}, b ${b!.costUsd}: a's two attempts each cost what b's one did`);
  assert.ok(Math.abs(summary.costUsd - a!.costUsd! - b!.costUsd!) < 1e-9);
});
