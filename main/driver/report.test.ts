import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitOut } from '../../shared/node/git.js';
import { MAX_FILES_LISTED, formatDuration, renderReport, reportCriticalPath, withFilesChanged } from './report.js';
import type { RunSummary, TaskReport } from './run-output.js';

const task = (id: string, patch: Partial<TaskReport> = {}): TaskReport => ({ id, title: `Task ${id}`, status: 'merged', agent: 'one', durationMs: 1000, costUsd: 0.001, after: [], ...patch });

function summary(tasks: TaskReport[], patch: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: '20260101-120000-abcd', branch: 'claudecluster/20260101-120000-abcd', base: '0123456789abcdef0123', ok: true, elapsedMs: 5400,
    costUsd: tasks.reduce((s, t) => s + (t.costUsd ?? 0), 0), agents: [{ agent: 'one', tasks: tasks.length, costUsd: 0.003 }], tasks, ...patch,
  };
}

const goal = { title: 'Three changes', file: 'goal.md' };

test('a report has a row per task with agent, attempts, time, cost, verify and files', () => {
  const md = renderReport({ goal: { ...goal, verify: 'npm test' }, summary: summary([
    task('a', { filesChanged: ['a.txt', 'src/x.ts'], attempts: 2, verify: 'passed', durationMs: 2500 }),
    task('b', { filesChanged: [], agent: 'two' }),
    task('c', { after: ['a'] }),
  ]) });
  assert.match(md, /^# Three changes\n/);
  assert.match(md, /Run `20260101-120000-abcd` of `goal\.md`: every task merged\. Branch `claudecluster\/20260101-120000-abcd`, from `0123456789ab`\./);
  assert.match(md, /\| `a` Task a \| merged \| one \| 2 \| 2\.5 s \| \$0\.0010 \| passed \| `a\.txt`, `src\/x\.ts` \|/);
  assert.match(md, /\| `b` Task b \| merged \| two \| 1 \| 1\.0 s \| \$0\.0010 \| not run \| none \|/);
  // No files reported and none computed: a dash, not a guess.
  assert.match(md, /\| `c` Task c \| merged \| one \| 1 \| 1\.0 s \| \$0\.0010 \| not run \| — \|/);
  assert.match(md, /## Totals\n\n- Time: 5\.4 s\n- Cost: \$0\.0030\n- Tasks: 3 merged, 0 failed, 0 blocked \(3 in all\)\n- Agents: one \(3 tasks, \$0\.0030\)/);
  assert.match(md, /## Critical path\n\n`a` → `c`: 3\.5 s\n/);
});

test('failed and blocked tasks are counted and their reasons listed; unknown figures show a dash', () => {
  const md = renderReport({ goal, summary: summary([
    task('a', { status: 'failed', error: 'merge conflict in notes.txt:\nCONFLICT', conflicts: ['notes.txt'] }),
    task('b', { status: 'blocked', agent: undefined, durationMs: undefined, costUsd: undefined, after: ['a'], error: 'a task it depends on did not merge' }),
  ], { ok: false }) });
  assert.match(md, /finished with problems/);
  assert.match(md, /\| `b` Task b \| blocked \| — \| 0 \| — \| — \| — \| — \|/);
  assert.match(md, /- `a` failed: merge conflict in notes\.txt: CONFLICT\n- `b` blocked: a task it depends on did not merge/);
  assert.match(md, /- Tasks: 0 merged, 1 failed, 1 blocked \(2 in all\)/);
});

test('table cells stay one line and pipes are escaped; long file lists are cut', () => {
  const many = Array.from({ length: MAX_FILES_LISTED + 3 }, (_, i) => `f${i}.txt`);
  const md = renderReport({ goal, summary: summary([task('a', { title: 'a | b\nc', filesChanged: many })]) });
  const row = md.split('\n').find((l) => l.startsWith('| `a`'))!;
  assert.match(row, /^\| `a` a \\\| b c \| merged/);
  assert.match(row, /`f9\.txt` and 3 more \|$/);
  assert.doesNotMatch(row, /f10\.txt/);
});

test('the critical path follows after edges by measured time', () => {
  // a (1s) → c (1s) is 2 s; b (5 s) alone is longer.
  const tasks = [task('a'), task('b', { durationMs: 5000 }), task('c', { after: ['a'] })];
  assert.deepEqual(reportCriticalPath(tasks), { ids: ['b'], length: 5000 });
  // Tasks that never ran weigh nothing; without `after` every task stands alone.
  assert.deepEqual(reportCriticalPath([task('a', { durationMs: 2000 }), task('b', { after: ['a'], durationMs: undefined, status: 'blocked' })]), { ids: ['a'], length: 2000 });
  assert.deepEqual(reportCriticalPath([task('x', { after: undefined }), task('y', { after: undefined, durationMs: 3000 })]), { ids: ['y'], length: 3000 });
});

test('durations read naturally at every scale', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(12_340), '12.3 s');
  assert.equal(formatDuration(245_000), '4 min 05 s');
  assert.equal(formatDuration(3_720_000), '1 h 02 min');
});

test('files changed come from git for every task at once; a commit the repo lacks is left unknown', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-report-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await git(['init', '--quiet', '-b', 'main', dir], { cwd: tmpdir() });
  const commit = async (files: Record<string, string>): Promise<string> => {
    for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
    await git(['add', '--all'], { cwd: dir });
    await git(['commit', '--quiet', '--allow-empty', '-m', 'c'], { cwd: dir });
    return gitOut(['rev-parse', 'HEAD'], { cwd: dir });
  };
  const base = await commit({ 'a.txt': 'a' });
  const two = await commit({ 'b.txt': 'b', 'c d.txt': 'c' });
  const none = await commit({});
  const missing = '1'.repeat(40);
  const out = await withFilesChanged(dir, [
    task('two', { base, commit: two }),
    task('same', { base, commit: two }),
    task('none', { base: two, commit: none }),
    task('lost', { base, commit: missing }),
    task('no-commit', { commit: null }),
    task('told', { base, commit: two, filesChanged: ['kept.txt'] }),
    task('one', { base: two, commit: await commit({ 'a.txt': 'A' }) }),
  ]);
  assert.deepEqual(out.map((r) => [r.id, r.filesChanged]), [
    ['two', ['b.txt', 'c d.txt']], ['same', ['b.txt', 'c d.txt']], ['none', []], ['lost', undefined], ['no-commit', []], ['told', ['kept.txt']], ['one', ['a.txt']],
  ]);
});
