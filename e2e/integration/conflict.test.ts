/**
 * Two tasks writing the same lines: the second result to merge conflicts, and becomes a
 * resolution — an attempt on the current head with the conflicting commit merged in — whose
 * result replaces it. The branch ends clean, with both tasks and what depends on them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, runCli } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

interface Summary { ok: boolean; branch: string; tasks: Array<{ id: string; status: string; attempts?: number; commit?: string; error?: string; conflicts?: string[] }> }
interface StatusEvent { type: string; task?: { id: string; status: string }; detail?: string }

test('two tasks editing the same lines: the conflict becomes a resolution, and the branch ends clean', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'notes.txt': 'line one\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '# Conflicting edits', '', 'Two tasks change the same line.', '', '## Tasks',
    '- a: First version', '  !write notes.txt version A',
    '- b: Second version', '  !write notes.txt version B',
    '- c: After both', '  after: a, b', '  !require notes.txt', '  !write c.txt done',
    '- d: Independent', '  !write d.txt fine',
    '',
  ].join('\n'));
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 0, `the run succeeds once the conflict is resolved: ${r.stderr}`);
  const { summary } = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: Summary };
  const byId = new Map(summary.tasks.map((t) => [t.id, t]));
  for (const id of ['a', 'b', 'c', 'd']) assert.equal(byId.get(id)!.status, 'merged', `${id} merged`);

  // Exactly one of a and b conflicted, and was resolved on a second attempt.
  const events = r.events as unknown as StatusEvent[];
  const conflicted = events.filter((e) => e.type === 'task-status' && /merge conflict in notes\.txt/.test(e.detail ?? '')).map((e) => e.task!.id);
  assert.equal(new Set(conflicted).size, 1, `one task conflicted: ${conflicted.join(', ')}`);
  const loser = byId.get(conflicted[0]!)!;
  assert.deepEqual(loser.conflicts, ['notes.txt']);
  assert.equal(loser.attempts, 2);
  assert.ok(events.some((e) => e.type === 'task-status' && e.task?.id === loser.id && e.detail === 'conflicts resolved'));

  // The resolution kept the conflicting task's work (the stand-in re-applies its own edit), merged
  // as a merge commit; no conflict marker anywhere; c and d are there; the user's checkout is untouched.
  assert.equal(git(repo, 'show', `${summary.branch}:notes.txt`), `version ${loser.id.toUpperCase()}`);
  assert.equal(git(repo, 'show', `${summary.branch}:c.txt`), 'done');
  assert.equal(git(repo, 'show', `${summary.branch}:d.txt`), 'fine');
  const parents = git(repo, 'rev-list', '--parents', '-n', '1', loser.commit!).trim().split(' ');
  assert.equal(parents.length, 3, 'the resolution is a merge commit');
  assert.equal(git(repo, 'status', '--porcelain'), '');
  assert.equal(git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
});

test('a resolution that leaves conflict markers is refused, never merged', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'notes.txt': 'line one\n' });
  const goal = join(tmp, 'goal.md');
  // Appending again does not resolve anything: the markers stay in the resolution's worktree.
  await writeFile(goal, [
    '---', 'retries: 0', 'verify_retries: 0', '---', '# Unresolved', '', '## Tasks',
    '- a: Append A', '  !append notes.txt from A\\n',
    '- b: Append B', '  !append notes.txt from B\\n',
    '',
  ].join('\n'));
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 1);
  const { summary } = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: Summary };
  const failed = summary.tasks.filter((t) => t.status === 'failed');
  assert.equal(failed.length, 1, 'one of the two could not be resolved');
  assert.match(failed[0]!.error ?? '', /conflict markers are still in notes\.txt/);
  const merged = summary.tasks.find((t) => t.status === 'merged')!;
  assert.equal(git(repo, 'show', `${summary.branch}:notes.txt`), `line one\nfrom ${merged.id.toUpperCase()}`);
});

test('a task started early with a conflicting result merged in starts again once that result is resolved, not counted as an attempt', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'notes.txt': 'line one\n' });
  const goal = join(tmp, 'goal.md');
  // a merges first; b reports later, and c starts early from a's merge with b's result merged in on
  // b's agent: that conflicts. b's 20 MB of noise keeps the driver fetching while the agent finds out.
  await writeFile(goal, [
    '# Early start on a conflict', '', '## Tasks',
    '- a: First version', '  !write notes.txt version A',
    '- b: Second version', '  !sleep 1500', '  !write notes.txt version B', '  !run head -c 20000000 /dev/urandom > noise.bin',
    '- c: After both', '  after: a, b', '  !require notes.txt', '  !write c.txt done',
    '',
  ].join('\n'));
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const { summary } = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: Summary };
  const byId = new Map(summary.tasks.map((t) => [t.id, t]));
  const events = r.events as unknown as StatusEvent[];
  const restarted = events.find((e) => e.type === 'task-status' && e.task?.id === 'c' && /does not merge cleanly into its base: conflicts in notes\.txt/.test(e.detail ?? ''));
  assert.ok(restarted, 'c started early and its agent refused the conflicting merge');
  assert.equal(byId.get('c')!.status, 'merged');
  assert.equal(byId.get('c')!.attempts, 1, 'the early start does not count as an attempt');
  assert.equal(byId.get('b')!.attempts, 2, 'b was resolved');
  assert.equal(git(repo, 'show', `${summary.branch}:notes.txt`), 'version B');
  assert.equal(git(repo, 'show', `${summary.branch}:c.txt`), 'done');
});
