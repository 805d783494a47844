/**
 * `run --pr` with the real CLI and a real local agent, offline: `origin` is a local bare
 * repository and `gh` a small script first on PATH that records how it was called. Without gh,
 * logged out, or after a failed run, the commands to run by hand are printed and the exit code
 * is the run's.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { Scope, git, makeRepo, runCli } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

/** Records each call's arguments (one a line, then `--`) and a copy of the `--body-file`. */
const FAKE_GH = `#!/bin/sh
for a in "$@"; do printf '%s\\n' "$a"; done >> "$FAKE_GH_DIR/calls"
echo -- >> "$FAKE_GH_DIR/calls"
if [ "$1" = auth ]; then exit "\${FAKE_GH_AUTH_EXIT:-0}"; fi
if [ "$1" = pr ] && [ "$2" = create ]; then
  while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "$FAKE_GH_DIR/body.md"; shift; done
  echo "Creating pull request..." >&2
  echo https://github.example/acme/sample/pull/7
fi
`;

interface PullRequest { status: string; url?: string; remote?: string; reason?: string; instructions?: string[] }
interface Finished { summary: { runId: string; branch: string; ok: boolean }; report: { path: string; markdown: string }; pullRequest?: PullRequest }

async function fixture(opts: { origin?: boolean; goal?: string } = {}): Promise<{ tmp: string; repo: string; origin: string; goal: string; dataDir: string; ghDir: string; ghBin: string }> {
  const tmp = await scope.tmp();
  const origin = join(tmp, 'origin.git');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  if (opts.origin !== false) {
    git(tmp, 'init', '--quiet', '--bare', origin);
    git(repo, 'remote', 'add', 'origin', origin);
    git(repo, 'push', '--quiet', '-u', 'origin', 'main');
  }
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, opts.goal ?? "# Add greetings, 'quoted'\n\nContext.\n\n## Tasks\n- a: One\n  !write a.txt a\n- b: Two\n  after: a\n  !write b.txt b\n");
  const ghDir = join(tmp, 'gh');
  const ghBin = join(tmp, 'bin');
  await mkdir(ghDir);
  await mkdir(ghBin);
  await writeFile(join(ghBin, 'gh'), FAKE_GH, { mode: 0o755 });
  return { tmp, repo, origin, goal, dataDir: join(tmp, 'driver'), ghDir, ghBin };
}

/** PATH without any directory that holds a `gh`. */
function pathWithoutGh(): string {
  return (process.env['PATH'] ?? '').split(delimiter).filter((d) => d && !existsSync(join(d, 'gh'))).join(delimiter);
}

function calls(ghDir: string): string[][] {
  return readFileSync(join(ghDir, 'calls'), 'utf8').split('--\n').filter(Boolean).map((c) => c.trimEnd().split('\n'));
}

async function runPr(f: { repo: string; goal: string; dataDir: string }, env: NodeJS.ProcessEnv, json = true): Promise<{ code: number | null; stdout: string; finished: Finished }> {
  const r = await runCli(['run', f.goal, '--repo', f.repo, '--local', '1', '--data-dir', f.dataDir, '--no-mdns', '--pr', ...(json ? ['--json'] : [])], { env });
  const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as Finished;
  return { code: r.code, stdout: r.stdout + r.stderr, finished };
}

test('--pr pushes the branch to origin and opens a pull request with gh, the report as its body', async () => {
  const f = await fixture();
  const { code, stdout, finished } = await runPr(f, { PATH: `${f.ghBin}${delimiter}${pathWithoutGh()}`, FAKE_GH_DIR: f.ghDir });
  assert.equal(code, 0, stdout.slice(-3000));
  const { branch } = finished.summary;
  assert.equal(git(f.origin, 'rev-parse', `refs/heads/${branch}`), git(f.repo, 'rev-parse', branch));
  assert.deepEqual(calls(f.ghDir), [
    ['auth', 'status'],
    ['pr', 'create', '--head', branch, '--base', 'main', '--title', "Add greetings, 'quoted'", '--body-file', finished.report.path],
  ]);
  assert.equal(readFileSync(join(f.ghDir, 'body.md'), 'utf8'), finished.report.markdown);
  assert.deepEqual(finished.pullRequest, { status: 'created', remote: 'origin', url: 'https://github.example/acme/sample/pull/7' });
});

test('without gh, --pr pushes and prints the gh command to run; the run still succeeds', async () => {
  const f = await fixture();
  const { code, stdout } = await runPr(f, { PATH: pathWithoutGh() }, false);
  assert.equal(code, 0, stdout.slice(-3000));
  const branch = /^Result branch: (\S+)/m.exec(stdout)![1]!;
  const report = /^Report: (.+)$/m.exec(stdout)![1]!;
  assert.equal(git(f.origin, 'rev-parse', `refs/heads/${branch}`), git(f.repo, 'rev-parse', branch));
  assert.match(stdout, new RegExp(`No pull request: pushed ${branch} to origin, but gh \\(the GitHub CLI, https://cli\\.github\\.com\\) is not installed\\.\\nTo open it yourself, run:\\n  gh pr create --head ${branch} --base main --title 'Add greetings, '\\\\''quoted'\\\\''' --body-file ${report}\\n`));
});

test('gh logged out, or no remote: the instructions say what to run; nothing fails the run', async () => {
  const f = await fixture();
  const out = await runPr(f, { PATH: `${f.ghBin}${delimiter}${pathWithoutGh()}`, FAKE_GH_DIR: f.ghDir, FAKE_GH_AUTH_EXIT: '1' });
  assert.equal(out.code, 0, out.stdout.slice(-3000));
  const pr = out.finished.pullRequest!;
  assert.equal(pr.status, 'pushed');
  assert.equal(pr.reason, 'gh is not logged in');
  assert.deepEqual(pr.instructions?.slice(0, 1), ['gh auth login']);
  assert.match(pr.instructions?.[1] ?? '', /^gh pr create --head claudecluster\/\S+ --base main --title /);
  assert.deepEqual(calls(f.ghDir), [['auth', 'status']]);

  const lone = await fixture({ origin: false });
  const none = await runPr(lone, { PATH: `${lone.ghBin}${delimiter}${pathWithoutGh()}`, FAKE_GH_DIR: lone.ghDir });
  assert.equal(none.code, 0, none.stdout.slice(-3000));
  const branch = none.finished.summary.branch;
  assert.deepEqual(none.finished.pullRequest, {
    status: 'not-pushed',
    reason: 'the repository has no remote to push to (main has no upstream and there is no "origin")',
    instructions: ['git remote add origin URL', `git push origin ${branch}`, `gh pr create --head ${branch} --base main --title 'Add greetings, '\\''quoted'\\''' --body-file ${none.finished.report.path}`],
  });
  assert.equal(existsSync(join(lone.ghDir, 'calls')), false, 'gh is not called when nothing was pushed');
});

test('a run that fails opens no pull request, pushes nothing and exits 1', async () => {
  const f = await fixture({ goal: '---\nretries: 0\n---\n# Broken\n\nContext.\n\n## Tasks\n- a: Fails\n  !require missing.txt\n' });
  const { code, stdout, finished } = await runPr(f, { PATH: `${f.ghBin}${delimiter}${pathWithoutGh()}`, FAKE_GH_DIR: f.ghDir });
  assert.equal(code, 1, stdout.slice(-3000));
  const { branch } = finished.summary;
  assert.equal(finished.pullRequest?.status, 'skipped');
  assert.equal(finished.pullRequest?.reason, 'the run did not merge every task');
  assert.deepEqual(finished.pullRequest?.instructions, [`git push origin ${branch}`, `gh pr create --head ${branch} --base main --title Broken --body-file ${finished.report.path}`]);
  assert.equal(git(f.origin, 'branch', '--list', branch), '');
  assert.equal(existsSync(join(f.ghDir, 'calls')), false);
});
