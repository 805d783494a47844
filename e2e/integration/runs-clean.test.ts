/**
 * `claudecluster runs` and `claudecluster clean` with the real CLI, after real runs on a real
 * local agent: runs are listed newest first; clean removes a run's record, dir, leftover refs and
 * worktrees and (asked for) its branch — never a checked-out one; bad flags exit 2.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, runCli } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

interface RunRow { type: string; id: string; status: string; goalTitle: string; goalFile: string; branch: string; repo: string; tasks: { total: number; merged: number }; costUsd: number; startedAt: string; finishedAt: string; report: string }

async function fixture(): Promise<{ repo: string; dataDir: string; goal: string; home: string }> {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  return { repo, dataDir: join(tmp, 'driver'), goal: join(tmp, 'goal.md'), home: join(tmp, 'home') };
}

/** `variant` changes what the tasks write, so no run reuses an earlier run's identical results. */
async function runGoal(f: { repo: string; dataDir: string; goal: string }, variant = ''): Promise<string> {
  await writeFile(f.goal, `# Listed goal\n\nContext.\n\n## Tasks\n- a: One\n  !write a.txt a${variant}\n- b: Two\n  after: a\n  !write b.txt b${variant}\n`);
  const r = await runCli(['run', f.goal, '--repo', f.repo, '--local', '1', '--data-dir', f.dataDir, '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
  return ((r.events.find((e) => e['type'] === 'run-finished') as { summary: { runId: string } }).summary.runId);
}

async function runs(dataDir: string): Promise<RunRow[]> {
  const r = await runCli(['runs', '--json', '--data-dir', dataDir]);
  assert.equal(r.code, 0, r.stderr);
  return r.events as unknown as RunRow[];
}

test('runs lists past runs newest first; clean --run ID --branches --yes removes one and its branch', async () => {
  const f = await fixture();
  const first = await runGoal(f);
  const second = await runGoal(f, '2');

  const rows = await runs(f.dataDir);
  assert.deepEqual(rows.map((r) => r.id), [second, first]);
  const row = rows[1]!;
  assert.equal(row.type, 'run');
  assert.equal(row.status, 'ok');
  assert.equal(row.goalTitle, 'Listed goal');
  assert.equal(row.goalFile, f.goal);
  assert.equal(row.branch, `claudecluster/${first}`);
  assert.deepEqual(row.tasks, { total: 2, merged: 2, failed: 0, blocked: 0 });
  assert.equal(row.report, join(f.dataDir, 'runs', first, 'report.md'));
  assert.ok(Date.parse(row.finishedAt) >= Date.parse(row.startedAt));

  const human = await runCli(['runs', '--data-dir', f.dataDir]);
  assert.equal(human.code, 0);
  const lines = human.stdout.trim().split('\n');
  assert.match(lines[0]!, /^ID +WHEN +STATUS +TASKS +COST +BRANCH +GOAL$/);
  assert.match(lines[1]!, new RegExp(`^${second} .* ok +2/2 merged +\\$0\\.\\d{4} +claudecluster/${second} +Listed goal \\(${f.goal}\\)$`));
  assert.match(lines[2]!, new RegExp(`^${first} `));

  // One run: its report as saved; a mistyped id names the nearest.
  const shown = await runCli(['runs', first, '--data-dir', f.dataDir]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(shown.stdout, await readFile(row.report, 'utf8'));
  assert.match(shown.stdout, /^# Listed goal\n/);
  const shownJson = await runCli(['runs', first, '--json', '--data-dir', f.dataDir]);
  assert.deepEqual(shownJson.events.map((e) => [e['id'], e['reportMarkdown']]), [[first, shown.stdout]]);
  const typo = `${first.slice(0, -1)}${first.endsWith('0') ? '1' : '0'}`;
  const missing = await runCli(['runs', typo, '--data-dir', f.dataDir]);
  assert.equal(missing.code, 2);
  assert.ok(missing.stderr.startsWith(`claudecluster: no run "${typo}"; did you mean "${first}"?`), missing.stderr);
  const cleanTypo = await runCli(['clean', '--run', typo, '--data-dir', f.dataDir]);
  assert.equal(cleanTypo.code, 2);
  assert.ok(cleanTypo.stderr.startsWith(`claudecluster: no run "${typo}"; did you mean "${first}"?`), cleanTypo.stderr);

  // What a crash could leave: a result ref and a worktree in the run's dir.
  const head = git(f.repo, 'rev-parse', 'HEAD');
  git(f.repo, 'update-ref', `refs/claudecluster/${first}/a`, head);
  git(f.repo, 'worktree', 'add', '--quiet', '--detach', join(f.dataDir, 'runs', first, 'integration'), head);

  const clean = await runCli(['clean', '--run', first, '--branches', '--yes', '--data-dir', f.dataDir]);
  assert.equal(clean.code, 0, clean.stderr + clean.stdout);
  assert.match(clean.stdout, new RegExp(`removed run ${first} \\(Listed goal\\): 1 worktree\\(s\\); 1 ref\\(s\\); branch claudecluster/${first}`));
  assert.equal(git(f.repo, 'branch', '--list', `claudecluster/${first}`), '');
  assert.equal(git(f.repo, 'for-each-ref', `refs/claudecluster/${first}/`), '');
  assert.equal(git(f.repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
  assert.equal(existsSync(join(f.dataDir, 'runs', first)), false);
  // The other run is untouched.
  assert.deepEqual((await runs(f.dataDir)).map((r) => r.id), [second]);
  assert.equal(git(f.repo, 'branch', '--list', `claudecluster/${second}`), `claudecluster/${second}`);
});

test('clean never deletes a checked-out branch; without --branches the branch stays', async () => {
  const f = await fixture();
  const id = await runGoal(f);
  git(f.repo, 'checkout', '--quiet', `claudecluster/${id}`);
  const refused = await runCli(['clean', '--run', id, '--branches', '--yes', '--data-dir', f.dataDir]);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, new RegExp(`kept run ${id}: claudecluster/${id} is checked out`));
  assert.equal(git(f.repo, 'rev-parse', '--abbrev-ref', 'HEAD'), `claudecluster/${id}`);
  assert.deepEqual((await runs(f.dataDir)).map((r) => r.id), [id]);

  // Too young for --older-than 1h; then everything older than 0 s, branches kept.
  const young = await runCli(['clean', '--older-than', '1h', '--data-dir', f.dataDir]);
  assert.equal(young.code, 0);
  assert.match(young.stdout, /Nothing to clean\./);
  const all = await runCli(['clean', '--older-than', '0s', '--data-dir', f.dataDir]);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, new RegExp(`removed run ${id}`));
  assert.deepEqual(await runs(f.dataDir), []);
  assert.equal(git(f.repo, 'branch', '--list', `claudecluster/${id}`), `* claudecluster/${id}`);
});

test('bad flags for runs and clean exit 2 with a clear message, removing nothing', async () => {
  const f = await fixture();
  await mkdir(f.dataDir, { recursive: true });
  const cases: Array<[string[], RegExp]> = [
    [['clean', '--older-than', '3 days'], /--older-than must be a duration such as 90s, 30m, 12h, 7d or 2w, not "3 days"/],
    [['clean', '--older-than'], /--older-than/],
    [['clean', '--run', '../x'], /--run "\.\.\/x" is not a run id/],
    [['clean', '--run', '20200101-000000-0000'], /no run "20200101-000000-0000"/],
    [['clean', '--branches'], /--branches deletes branches: add --yes to confirm when not on a terminal/],
    [['clean', '--bogus'], /unknown option --bogus\n/],
    [['clean', '--older', '7d'], /unknown option --older; did you mean --older-than\?/],
    [['clean', 'extra'], /unexpected argument "extra"/],
    [['runs', '--bogus'], /unknown option --bogus\n/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli([...args, '--data-dir', f.dataDir], { env: { CLAUDECLUSTER_HOME: f.home } });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
  const empty = await runCli(['runs', '--data-dir', f.dataDir]);
  assert.equal(empty.stdout, 'No runs yet.\n');
});
