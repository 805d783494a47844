/**
 * From goal to branch with real agents and the scripted stand-in: a diamond graph keeps its
 * order; a failing agent's tasks are retried on the other agent and the bad agent is backed off;
 * a failing verify goes back to the session as a follow-up turn; the goal's setup runs in each
 * worktree; an identical task done before is reused instead of run again.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_CLAUDE, Scope, git, makeRepo, pairWith, runCli, startAgent, type CliResult } from '../harness.js';
import { FAILURES_BEFORE_BACKOFF } from '../../main/driver/scheduler.js';

const scope = new Scope();
after(() => scope.cleanup());

interface TaskOut { id: string; status: string; agent?: string; attempts?: number; verify?: string; error?: string }
interface StatusEvent { type: string; time: string; task: TaskOut; detail?: string }

function summaryOf(r: CliResult): { ok: boolean; branch: string; tasks: TaskOut[] } {
  const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: { ok: boolean; branch: string; tasks: TaskOut[] } } | undefined;
  assert.ok(finished, `no run-finished event: ${r.stderr}\n${r.stdout.slice(-2000)}`);
  return finished.summary;
}

function statuses(r: CliResult): StatusEvent[] {
  return (r.events as unknown as StatusEvent[]).filter((e) => e.type === 'task-status');
}

/** When task `id` first reached `status`. */
function at(r: CliResult, id: string, status: string): number {
  const e = statuses(r).find((s) => s.task.id === id && s.task.status === status);
  assert.ok(e, `${id} never reached ${status}`);
  return Date.parse(e.time);
}

async function goalFile(dir: string, lines: string[]): Promise<string> {
  const file = join(dir, 'goal.md');
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

test('a diamond graph: b and c start from a\'s result and merge after it, d merges after both; everything on the branch', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# diamond\n' });
  const goal = await goalFile(tmp, [
    '# Diamond', '', '## Tasks',
    '- a: Base', '  !write a.txt a',
    '- b: Left', '  after: a', '  !require a.txt', '  !write b.txt b',
    '- c: Right', '  after: a', '  !require a.txt', '  !write c.txt c',
    '- d: Join', '  after: b, c', '  !require b.txt', '  !require c.txt', '  !write d.txt d',
  ]);
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const { branch } = summaryOf(r);
  for (const f of ['a', 'b', 'c', 'd']) assert.equal(git(repo, 'show', `${branch}:${f}.txt`), f);
  // b and c may start from a's reported result, before it merged (an early start); they merge after it.
  for (const id of ['b', 'c']) {
    assert.ok(at(r, id, 'dispatching') >= at(r, 'a', 'running'));
    assert.ok(at(r, id, 'merged') > at(r, 'a', 'merged'));
  }
  // d may start once b and c have reported, before they merged (those not merged yet merged in on its agent); it merges after both.
  assert.ok(at(r, 'd', 'dispatching') >= Math.max(at(r, 'b', 'running'), at(r, 'c', 'running')));
  assert.ok(at(r, 'd', 'merged') > Math.max(at(r, 'b', 'merged'), at(r, 'c', 'merged')));
});

test('tasks that fail on a bad agent are retried on the good one; the bad agent is backed off', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# retries\n' });
  // Passes preflight (version, login) like a working Claude Code, then fails every session.
  const broken = join(tmp, 'broken-claude');
  await writeFile(broken, `#!/bin/sh\ncase "$1" in --version|auth) exec "${FAKE_CLAUDE}" "$@";; esac\necho "model overloaded"\nexit 1\n`);
  await chmod(broken, 0o755);
  const driverDir = join(tmp, 'driver');
  const agents = [];
  for (const [name, bin] of [['good', FAKE_CLAUDE], ['bad', broken]] as const) {
    const dataDir = join(tmp, `agent-${name}`);
    const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--slots', '1', '--name', name, '--claude-bin', bin] });
    await pairWith(scope, agent, driverDir, dataDir);
    agents.push(agent);
  }
  const tasks = ['t1', 't2', 't3', 't4', 't5', 't6'];
  const goal = await goalFile(tmp, ['---', 'retries: 3', '---', '# Retries', '', '## Tasks', ...tasks.flatMap((t) => [`- ${t}: Write ${t}`, `  !write ${t}.txt ${t}`])]);
  const r = await runCli(['run', goal, '--repo', repo, '--data-dir', driverDir, '--no-mdns', '--json', ...agents.flatMap((a) => ['--agent', a.addr])]);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
  const summary = summaryOf(r);
  for (const t of summary.tasks) {
    assert.equal(t.status, 'merged', `${t.id}: ${t.error}`);
    assert.equal(t.agent, 'good', `${t.id} merged from the good agent`);
    assert.equal(git(repo, 'show', `${summary.branch}:${t.id}.txt`), t.id);
  }
  // Each task that failed on the bad agent succeeded on its next attempt, elsewhere.
  const onBad = statuses(r).filter((s) => s.task.status === 'dispatching' && s.task.agent === 'bad').map((s) => s.task.id);
  assert.ok(onBad.length >= 1, 'the bad agent got work before it was backed off');
  for (const id of onBad) assert.equal(summary.tasks.find((t) => t.id === id)!.attempts, 2, `${id} took one retry`);
  assert.ok(statuses(r).some((s) => onBad.includes(s.task.id) && /attempt 1 failed .*retrying in/.test(s.detail ?? '')));
  // Backed off after its failures in a row: no more work for the rest of the run.
  assert.ok(onBad.length <= FAILURES_BEFORE_BACKOFF, `the bad agent got ${onBad.length} tasks; backoff comes after ${FAILURES_BEFORE_BACKOFF} failures`);
});

test('a failing verify goes back to the session as a follow-up turn, and the fix merges', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# verify\n' });
  // The check prints its fix as a step the stand-in runs when it reads the follow-up.
  const verify = `test "$(cat out.txt)" = fixed || { echo "out.txt is not fixed"; echo '!write out.txt fixed'; exit 1; }`;
  const goal = await goalFile(tmp, [
    '---', `verify: ${JSON.stringify(verify)}`, 'verify_retries: 2', '---', '# Verify', '', '## Tasks',
    '- fix: Write out.txt', '  !write out.txt broken',
  ]);
  const r = await runCli(['run', goal, '--repo', repo, '--local', '1', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
  const summary = summaryOf(r);
  const task = summary.tasks[0]!;
  assert.equal(task.status, 'merged');
  assert.equal(task.verify, 'passed');
  assert.equal(task.attempts, 1, 'fixed in the same session, not by a retry');
  assert.equal(git(repo, 'show', `${summary.branch}:out.txt`), 'fixed');
  assert.ok(statuses(r).some((s) => /verify command .* failed .*follow-up 1 of 2/.test(s.detail ?? '')), 'the follow-up was reported');
});

test('the goal\'s setup runs in every task\'s worktree before its session, and once on the run branch before verify', async () => {
  const tmp = await scope.tmp();
  // What setup makes is ignored, as node_modules would be: it is never part of a result.
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# setup\n', '.gitignore': '.setup-ran\n' });
  const log = join(tmp, 'setups.log');
  const setup = `pwd >> ${log}; echo ready > .setup-ran`;
  const goal = await goalFile(tmp, [
    '---', `setup: ${JSON.stringify(setup)}`, 'verify: "test -f .setup-ran"', '---', '# Setup', '', '## Tasks',
    '- a: Needs what setup made', '  !require .setup-ran', '  !write a.txt a',
    '- b: So does this one', '  after: a', '  !require .setup-ran', '  !write b.txt b',
  ]);
  const r = await runCli(['run', goal, '--repo', repo, '--local', '1', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
  const summary = summaryOf(r);
  assert.deepEqual(summary.tasks.map((t) => [t.id, t.status, t.verify]), [['a', 'merged', 'passed'], ['b', 'merged', 'passed']]);
  const dirs = (await readFile(log, 'utf8')).trim().split('\n');
  assert.equal(dirs.filter((d) => d.endsWith('/integration')).length, 1, `setup once on the branch: ${dirs.join(', ')}`);
  assert.equal(dirs.filter((d) => !d.endsWith('/integration')).length, 2, `setup once per task: ${dirs.join(', ')}`);
  assert.equal(git(repo, 'ls-tree', '--name-only', summary.branch), '.gitignore\nREADME.md\na.txt\nb.txt');

  // A setup that fails ends the task before its session, with the command's exit code.
  const failing = await goalFile(tmp, ['---', 'setup: "echo no network; exit 3"', 'retries: 0', '---', '# Setup fails', '', '## Tasks', '- c: Never starts', '  !write c.txt c']);
  const f = await runCli(['run', failing, '--repo', repo, '--local', '1', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(f.code, 1);
  assert.match(summaryOf(f).tasks[0]?.error ?? '', /the setup command failed \(exit 3\): no network/);
});

test('a task identical to one done before reuses its result instead of running again', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# reuse\n' });
  const ran = join(tmp, 'ran.log');
  const goal = await goalFile(tmp, ['# Reuse', '', '## Tasks', '- once: Write once.txt', `  !append ${ran} ran\\n`, '  !write once.txt the result']);
  const driverDir = join(tmp, 'driver');
  const first = await runCli(['run', goal, '--repo', repo, '--local', '1', '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(await readFile(ran, 'utf8'), 'ran\n');

  const second = await runCli(['run', goal, '--repo', repo, '--local', '1', '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.equal(second.code, 0, second.stderr);
  const summary = summaryOf(second);
  assert.equal(summary.tasks[0]!.status, 'merged');
  assert.equal(git(repo, 'show', `${summary.branch}:once.txt`), 'the result');
  assert.equal(await readFile(ran, 'utf8'), 'ran\n', 'the stand-in did not run a second time');
  assert.ok(statuses(second).some((s) => /reusing the result of an identical task/.test(s.detail ?? '')));

  // A changed prompt is different work: it runs.
  await writeFile(goal, (await readFile(goal, 'utf8')).replace('the result', 'another result'));
  const third = await runCli(['run', goal, '--repo', repo, '--local', '1', '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(await readFile(ran, 'utf8'), 'ran\nran\n');
  assert.ok(existsSync(ran));
});

test('verify that fails only on the run branch undoes the merge and sends the output back as a follow-up', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# branch verify\n' });
  // Each task passes on its own; together they need combined.txt, which the check tells the session to write.
  const verify = `if [ -e a.txt ] && [ -e b.txt ] && [ "$(cat combined.txt 2>/dev/null)" != ok ]; then echo "a and b need combined.txt"; echo '!write combined.txt ok'; exit 1; fi`;
  const goal = await goalFile(tmp, [
    '---', `verify: ${JSON.stringify(verify)}`, 'verify_retries: 1', '---', '# Branch verify', '', '## Tasks',
    '- a: Write a', '  !write a.txt a',
    '- b: Write b', '  !write b.txt b',
  ]);
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
  const summary = summaryOf(r);
  for (const t of summary.tasks) assert.equal(t.status, 'merged');
  const followed = statuses(r).filter((s) => /failed on the run's branch after merging this task.*follow-up 1 of 1/.test(s.detail ?? ''));
  assert.equal(followed.length, 1, 'the second task to merge got one follow-up');
  for (const f of ['a', 'b']) assert.equal(git(repo, 'show', `${summary.branch}:${f}.txt`), f);
  assert.equal(git(repo, 'show', `${summary.branch}:combined.txt`), 'ok');
  // The failed merge was undone: no commit on the branch lacks combined.txt while holding a and b.
  for (const c of git(repo, 'rev-list', summary.branch).split('\n')) {
    const files = git(repo, 'ls-tree', '--name-only', c).split('\n');
    if (files.includes('a.txt') && files.includes('b.txt')) assert.ok(files.includes('combined.txt'), `commit ${c} holds a and b without combined.txt`);
  }
});

test('a task started early on a result that then fails verify on the branch is stopped and starts again from the fixed result', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# early start\n' });
  // The run branch's worktree is the run's "integration" directory: a passes on the agent but fails
  // on the branch until it adds fixed.txt (its follow-up turn does).
  const verify = `if [ "$(basename "$(pwd -P)")" = integration ] && [ ! -e fixed.txt ]; then echo "a needs fixed.txt"; echo '!write fixed.txt ok'; exit 1; fi`;
  const goal = await goalFile(tmp, [
    '---', `verify: ${JSON.stringify(verify)}`, 'verify_retries: 1', '---', '# Early start', '', '## Tasks',
    '- a: Write a', '  !write a.txt a',
    // Started from a's first result, b waits for a file that result never has: only its restart from the fix finishes.
    '- b: After a', '  after: a', '  !wait-for fixed.txt', '  !write b.txt b',
  ]);
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json'], { wrap: ['timeout', '120'] });
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
  const summary = summaryOf(r);
  for (const t of summary.tasks) assert.equal(t.status, 'merged');
  const restarted = statuses(r).filter((s) => s.task.id === 'b' && /started early on a's result, which did not merge as it was/.test(s.detail ?? ''));
  assert.equal(restarted.length, 1, 'b was stopped once and started again');
  assert.ok(at(r, 'b', 'merged') > at(r, 'a', 'merged'));
  assert.equal(summary.tasks.find((t) => t.id === 'b')!.attempts, 1, 'the stopped early start is not counted as a failed attempt');
  for (const f of ['a.txt', 'b.txt', 'fixed.txt']) assert.ok(git(repo, 'show', `${summary.branch}:${f}`).length > 0, `${f} is on the branch`);
});

test('a task over its timeout is stopped and fails with the reason', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# timeout\n' });
  const goal = await goalFile(tmp, ['---', 'retries: 0', '---', '# Timeout', '', '## Tasks', '- slow: Never finishes', '  timeout: 2s', '  !sleep 600000', '- quick: Finishes', '  !write q.txt q']);
  const started = Date.now();
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 1);
  const summary = summaryOf(r);
  const slow = summary.tasks.find((t) => t.id === 'slow')!;
  assert.equal(slow.status, 'failed');
  assert.match(slow.error ?? '', /timed out after 2 s/);
  assert.equal(summary.tasks.find((t) => t.id === 'quick')!.status, 'merged');
  assert.ok(Date.now() - started < 60_000, 'the run did not wait for the slow task');
});
