/**
 * The end of a run, with the real CLI and a real local agent: the report (saved with the run,
 * printed, in the final JSON event), and what is left in the user's repo — the result branch,
 * and refs only for results that did not merge.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Scope, git, makeRepo, runCli } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

interface Finished {
  summary: { runId: string; branch: string; ok: boolean; tasks: Array<{ id: string; status: string }> };
  report: { path: string; markdown: string };
  keptRefs?: string[];
}

const GOAL = [
  '# Three changes', '', 'Context.', '', '## Tasks',
  '- a: Add a.txt', '  !write a.txt made by A', '  !write lib/a2.txt also A',
  '- b: Add b.txt', '  !write b.txt made by B',
  '- c: Build on A', '  after: a', '  !write c.txt made by C',
  '',
].join('\n');

async function setup(goalText: string): Promise<{ tmp: string; repo: string; goal: string; dataDir: string }> {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n', 'notes.txt': 'line one\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, goalText);
  return { tmp, repo, goal, dataDir: join(tmp, 'driver') };
}

const worktrees = (repo: string): number => git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;

test('a run saves report.md beside its record, sends it in run-finished and leaves only its branch', async () => {
  const { repo, goal, dataDir } = await setup(GOAL);
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', dataDir, '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
  const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as Finished;
  const { runId, branch } = finished.summary;

  // Saved in the run's dir under the driver's data dir, the same text as in the event.
  assert.equal(finished.report.path, join(dataDir, 'runs', runId, 'report.md'));
  const md = readFileSync(finished.report.path, 'utf8');
  assert.equal(md, finished.report.markdown);
  assert.match(md, /^# Three changes\n/);
  assert.match(md, /\| `a` Add a\.txt \| merged \| local \| 1 \| [0-9.]+ m?s \| \$[0-9.]+ \| — \| `a\.txt`, `lib\/a2\.txt` \|/);
  assert.match(md, /\| `b` Add b\.txt \| merged \| local \| 1 \| [0-9.]+ m?s \| \$[0-9.]+ \| — \| `b\.txt` \|/);
  assert.match(md, /\| `c` Build on A \| merged \| local \| 1 \| [0-9.]+ m?s \| \$[0-9.]+ \| — \| `c\.txt` \|/);
  assert.match(md, /## Totals\n\n- Time: [0-9.]+ m?s\n- Cost: \$[0-9.]+\n- Tasks: 3 merged, 0 failed, 0 blocked \(3 in all\)/);
  assert.match(md, /## Critical path\n\n`a` → `c`: [0-9.]+ m?s\n/);

  // Only the report, the record, the journal and the terminals the driver received stay in the run's dir.
  assert.deepEqual(readdirSync(dirname(finished.report.path)).sort(), ['journal.ndjson', 'report.md', 'run.json', 'terms']);
  // In the repo: the branch with every change, no refs under refs/claudecluster/<run>/, no worktree.
  assert.equal(git(repo, 'show', `${branch}:c.txt`), 'made by C');
  assert.equal(git(repo, 'for-each-ref', `refs/claudecluster/${runId}/`), '');
  assert.equal(git(repo, 'for-each-ref', 'refs/claudecluster/'), '');
  assert.equal(worktrees(repo), 1);
  assert.equal(finished.keptRefs, undefined);
});

test('people see the report printed, with where it is saved', async () => {
  const { repo, goal, dataDir } = await setup(GOAL);
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', dataDir, '--no-mdns']);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
  const path = /^Report: (.+)$/m.exec(r.stdout)?.[1];
  assert.ok(path, r.stdout.slice(-2000));
  const md = readFileSync(path, 'utf8');
  assert.ok(r.stdout.includes(md.trimEnd()), 'the printed report is the saved one');
  assert.match(r.stdout, /Done: 3\/3 task\(s\) merged/);
});

test('a result that did not merge keeps its ref and is reported; merged ones are cleaned up', async () => {
  // a fails after writing a file (no retries); b depends on it; d is independent.
  const { repo, goal, dataDir } = await setup([
    '---', 'retries: 0', '---', '# Partial work', '', 'One task fails half way.', '', '## Tasks',
    '- a: Half done', '  !write partial.txt half', '  !require missing.txt',
    '- b: After a', '  after: a', '  !write b.txt never runs',
    '- d: Independent', '  !write d.txt fine',
    '',
  ].join('\n'));
  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', dataDir, '--no-mdns', '--json']);
  assert.equal(r.code, 1, r.stderr + r.stdout.slice(-3000));
  const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as Finished;
  const { runId } = finished.summary;
  assert.deepEqual(finished.keptRefs, [`refs/claudecluster/${runId}/a`]);
  assert.equal(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/claudecluster/'), `refs/claudecluster/${runId}/a`);
  assert.equal(git(repo, 'show', `refs/claudecluster/${runId}/a:partial.txt`), 'half');

  const md = finished.report.markdown;
  assert.match(md, /finished with problems/);
  assert.match(md, /\| `a` Half done \| failed \| local \| 1 \| [0-9.]+ m?s \| \$[0-9.]+ \| — \| `partial\.txt` \|/);
  assert.match(md, /\| `b` After a \| blocked \| — \| 0 \| — \| — \| — \| — \|/);
  assert.match(md, /\| `d` Independent \| merged \| local \| 1 \| [0-9.]+ m?s \| \$[0-9.]+ \| — \| `d\.txt` \|/);
  assert.match(md, /- `a` failed: .*missing\.txt/);
  assert.match(md, /- `b` blocked: /);
  assert.match(md, /- Tasks: 1 merged, 1 failed, 1 blocked \(3 in all\)/);
  assert.equal(worktrees(repo), 1);
});
