/** A merge conflict stops that task's integration with a clear report; the rest of the run goes on. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, runCli } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

interface Summary { ok: boolean; branch: string; tasks: Array<{ id: string; status: string; error?: string; conflicts?: string[] }> }

test('two tasks writing the same lines: one merges, the other is reported as a conflict', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'notes.txt': 'line one\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '# Conflicting edits', '', 'Two tasks change the same line.', '', '## Tasks',
    '- a: First version', '  !write notes.txt version A',
    '- b: Second version', '  !write notes.txt version B',
    '- c: After both', '  after: a, b', '  !write c.txt never runs',
    '- d: Independent', '  !write d.txt fine',
    '',
  ].join('\n'));
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 1, 'a run with a conflict exits 1');
  const { summary } = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: Summary };
  const byId = new Map(summary.tasks.map((t) => [t.id, t]));
  const statuses = ['a', 'b'].map((id) => byId.get(id)!.status).sort();
  assert.deepEqual(statuses, ['failed', 'merged']);
  const loser = byId.get('a')!.status === 'failed' ? byId.get('a')! : byId.get('b')!;
  assert.deepEqual(loser.conflicts, ['notes.txt']);
  assert.match(loser.error ?? '', /merge conflict in notes\.txt/);
  assert.equal(byId.get('c')!.status, 'blocked');
  assert.equal(byId.get('d')!.status, 'merged');

  // The branch holds the winner's version and d; nothing half-merged is left anywhere.
  const winner = loser.id === 'a' ? 'B' : 'A';
  assert.equal(git(repo, 'show', `${summary.branch}:notes.txt`), `version ${winner}`);
  assert.equal(git(repo, 'show', `${summary.branch}:d.txt`), 'fine');
  assert.equal(git(repo, 'status', '--porcelain'), '');
  assert.equal(git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
  // The conflicting result is not lost: it stays on its ref.
  const runId = summary.branch.slice('claudecluster/'.length);
  assert.equal(git(repo, 'show', `refs/claudecluster/${runId}/${loser.id}:notes.txt`), `version ${loser.id.toUpperCase()}`);
});
