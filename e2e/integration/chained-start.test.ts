/**
 * Chained starts with a real agent and the scripted stand-in: a task whose one unmerged dependency
 * is at work waits in that agent's queue and starts there from its result the moment the agent
 * has it; when that dependency fails instead, the chained task is let go without counting, and
 * starts again after the dependency's retry.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, runCli, type CliResult } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

interface TaskOut { id: string; status: string; attempts?: number; base?: string; commit?: string; error?: string }
interface StatusEvent { type: string; time: string; task: TaskOut; detail?: string }

const statuses = (r: CliResult): StatusEvent[] => (r.events as unknown as StatusEvent[]).filter((e) => e.type === 'task-status');
const times = (r: CliResult, id: string, status: string): number[] => statuses(r).filter((s) => s.task.id === id && s.task.status === status).map((s) => Date.parse(s.time));

function summaryOf(r: CliResult): { ok: boolean; branch: string; tasks: TaskOut[] } {
  const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: { ok: boolean; branch: string; tasks: TaskOut[] } } | undefined;
  assert.ok(finished, `no run-finished event: ${r.stderr}\n${r.stdout.slice(-2000)}`);
  return finished.summary;
}

async function run(tmp: string, tasks: string[]): Promise<CliResult> {
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# chained\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, ['# Chained', '', '## Tasks', ...tasks, ''].join('\n'));
  // One slot: a task after the one running can only wait in the agent's queue.
  return runCli(['run', goal, '--repo', repo, '--local', '1', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json'], { wrap: ['timeout', '120'] });
}

test('a task after one at work is sent to its agent meanwhile and starts there from its result, checked out', async () => {
  const tmp = await scope.tmp();
  const r = await run(tmp, [
    '- a: First', '  !sleep 1500', '  !write a.txt a',
    '- b: Second', '  after: a', '  !require a.txt', '  !write b.txt b',
  ]);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
  const summary = summaryOf(r);
  const [a, b] = ['a', 'b'].map((id) => summary.tasks.find((t) => t.id === id)!);
  assert.deepEqual([a!.status, b!.status, b!.attempts], ['merged', 'merged', 1]);
  // a sleeps 1.5 s after it started: b went out as a began, not once a's result was in.
  assert.ok(times(r, 'b', 'dispatching')[0]! - times(r, 'a', 'running')[0]! < 1000, 'b was sent while a was at work');
  assert.ok(times(r, 'b', 'queued')[0]! < times(r, 'a', 'integrating')[0]!, 'and queued on the agent before a\'s result came in');
  assert.equal(b!.base, a!.commit, 'b started from a\'s result');
  assert.equal(git(join(tmp, 'repo'), 'rev-parse', `${summary.branch}~1`), a!.commit, 'b\'s commit sits right on a\'s: nothing was merged in between');
  assert.equal(git(join(tmp, 'repo'), 'show', `${summary.branch}:b.txt`), 'b');
});

test('a task chained after one that fails is let go without counting, and starts again after that one\'s retry', async () => {
  const tmp = await scope.tmp();
  const mark = join(tmp, 'first-attempt-ran');
  const r = await run(tmp, [
    // Fails the first time (ok.txt only on a second run), after long enough for b to be chained.
    '- a: Flaky', '  !sleep 1000', `  !run [ -e ${mark} ] && touch ok.txt; touch ${mark}`, '  !require ok.txt', '  !write a.txt a',
    '- b: After it', '  after: a', '  !require a.txt', '  !write b.txt b',
  ]);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
  const summary = summaryOf(r);
  const [a, b] = ['a', 'b'].map((id) => summary.tasks.find((t) => t.id === id)!);
  assert.deepEqual([a!.status, a!.attempts, b!.status, b!.attempts], ['merged', 2, 'merged', 1]);
  const letGo = statuses(r).filter((s) => s.task.id === 'b' && /a, which it was to start after, ended without a commit to start from/.test(s.detail ?? ''));
  assert.equal(letGo.length, 1, 'b was let go once, when a failed');
  assert.equal(times(r, 'b', 'dispatching').length, 2, 'and sent again for a\'s retry');
  assert.equal(git(join(tmp, 'repo'), 'show', `${summary.branch}:b.txt`), 'b');
});
