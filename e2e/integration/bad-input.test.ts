/**
 * `claudecluster run` with bad usage or bad input: exit 2, a message on stderr that names the
 * problem, and nothing started (no agent process, no run branch, no runs/ dir, the repo as it was).
 * A positive control runs a valid goal through the same checks to show they can fail.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, runCli, waitFor, type CliResult } from '../harness.js';
import { MAX_GOAL_BYTES } from '../../shared/goal/index.js';

const scope = new Scope();
after(() => scope.cleanup());

/** Enough for a valid goal to run two tasks on one local agent, with room for slow CI machines. */
const RUN_TIMEOUT_MS = 120_000;

/** Lines 1-5 of every goal below; its tasks start at line 6. */
const HEAD = '# Bad input\n\nContext every task gets.\n\n## Tasks\n';
const VALID_GOAL = `${HEAD}- a: write a file\n  !write f.txt hi\n`;
/** Where the CLI's usage text starts: shown under a bad flag, not under bad input. */
const USAGE_HEADING = 'Usage:';

interface Fixture {
  root: string;
  repo: string;
  dataDir: string;
  goal: string;
  /** The repo as it was before the CLI ran. */
  before: RepoState;
}

/** A committed repo, a driver data dir that does not exist yet, and `goal.md` outside the repo. */
async function fixture(goalText = VALID_GOAL, makeRepoDir: (dir: string) => Promise<unknown> = (dir) => makeRepo(dir, { 'README.md': 'hello\n' })): Promise<Fixture> {
  const root = await scope.tmp('cc-bad-input-');
  const repo = join(root, 'repo');
  await makeRepoDir(repo);
  const goal = join(root, 'goal.md');
  await writeFile(goal, goalText);
  return { root, repo, dataDir: join(root, 'data'), goal, before: repoState(repo) };
}

/** `run` with the flags every test needs: never multicast on the real network, never use ~/.claudecluster. */
function run(f: Fixture, args: string[]): Promise<CliResult> {
  return runCli(['run', ...args, '--data-dir', f.dataDir, '--no-mdns'], { env: { CLAUDECLUSTER_HOME: join(f.root, 'home') } });
}

/** `run GOAL --repo REPO --local 1`: would start an agent if the input got past the checks. */
function runGoal(f: Fixture, goal = f.goal, extra: string[] = []): Promise<CliResult> {
  return run(f, [goal, '--repo', f.repo, '--local', '1', ...extra]);
}

type RepoState = Record<string, string>;

/** What "the user's repo unchanged" compares; git state only where there is a repo of its own. */
function repoState(dir: string): RepoState {
  const state: RepoState = { files: readdirSync(dir).sort().join('\n') };
  if (!existsSync(join(dir, '.git'))) return state;
  const g = (...args: string[]): string => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    return `${r.status}: ${r.stdout.trim()}`;
  };
  state['HEAD'] = g('symbolic-ref', '-q', 'HEAD');
  state['HEAD commit'] = g('rev-parse', '-q', '--verify', 'HEAD');
  state['refs'] = g('for-each-ref', '--format=%(refname) %(objectname)');
  state['status'] = g('status', '--porcelain', '--untracked-files=all');
  state['worktrees'] = g('worktree', 'list', '--porcelain');
  return state;
}

/** Pids of live processes whose command line mentions `dir` (every process a run starts does). */
function processesUsing(dir: string): number[] {
  const r = spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l !== '').map(Number).filter((pid) => pid !== process.pid);
}

/** Everything a run left behind: empty when nothing started. */
function whatStarted(f: Fixture): string[] {
  const found: string[] = [];
  const now = repoState(f.repo);
  // Each state value starts with git's exit status ("0: "), the first ref line with it.
  const branches = (now['refs'] ?? '').replace(/^\d+: /, '').split('\n').filter((l) => l.startsWith('refs/heads/claudecluster/')).map((l) => l.split(' ')[0]);
  if (branches.length > 0) found.push(`run branch: ${branches.join(', ')}`);
  for (const [key, was] of Object.entries(f.before)) {
    if (now[key] !== was) found.push(`repo ${key} changed`);
  }
  const data = existsSync(f.dataDir) ? readdirSync(f.dataDir) : [];
  if (data.includes('runs')) found.push('runs/ in the data dir');
  const agentDirs = data.filter((name) => name.startsWith('local-agent'));
  if (agentDirs.length > 0) found.push(`local agent data dir: ${agentDirs.join(', ')}`);
  const pids = processesUsing(f.dataDir);
  if (pids.length > 0) found.push(`processes: ${pids.join(', ')}`);
  return found;
}

/** Exit 2, every `expected` piece on stderr, no events on stdout, and nothing started. */
function assertRejected(f: Fixture, r: CliResult, ...expected: string[]): void {
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  for (const piece of expected) assert.ok(r.stderr.includes(piece), `stderr should contain ${JSON.stringify(piece)}; it is:\n${r.stderr}`);
  // The usage is shown for a bad flag only: under a goal's or a repository's errors it would bury them.
  if (!expected.includes(USAGE_HEADING)) assert.ok(!r.stderr.includes(USAGE_HEADING), `no usage under an input error; stderr:\n${r.stderr}`);
  assert.deepEqual(r.events, [], 'no events on stdout');
  const found = whatStarted(f);
  // A bug that left an agent running must not leave it running after the suite too.
  for (const pid of processesUsing(f.dataDir)) process.kill(pid, 'SIGKILL');
  assert.deepEqual(found, [], 'nothing started');
}

/** 1-based line of the first line of `text` that starts with `prefix`. */
function lineOf(text: string, prefix: string): number {
  const index = text.split('\n').findIndex((l) => l.startsWith(prefix));
  assert.ok(index >= 0, `no line starts with ${prefix}`);
  return index + 1;
}

test('a goal file that does not exist', async () => {
  const f = await fixture();
  const missing = join(f.root, 'nope.md');
  assertRejected(f, await runGoal(f, missing), `goal file ${missing}`, 'no such file');
});

test('a goal path that is a directory', async () => {
  const f = await fixture();
  const dir = join(f.root, 'goals.md');
  await mkdir(dir);
  assertRejected(f, await runGoal(f, dir), `goal file ${dir} is not a file`);
});

test('a goal file over the size limit is refused before it is read', async () => {
  const f = await fixture();
  // A valid goal padded past the limit: only its size is wrong.
  const big = join(f.root, 'big.md');
  await writeFile(big, `${VALID_GOAL}\n${'x'.repeat(MAX_GOAL_BYTES)}\n`);
  assertRejected(f, await runGoal(f, big), `goal file ${big} is too large`, `may be at most ${MAX_GOAL_BYTES} bytes (1.0 MiB)`);
});

test('a dependency on a task that does not exist', async () => {
  const text = `${HEAD}- a: first\n  !write a.txt hi\n- b: second\n  after: x\n  !write b.txt hi\n`;
  const f = await fixture(text);
  // The error points at the task's own line, which names it.
  assertRejected(f, await runGoal(f), `${f.goal}:${lineOf(text, '- b:')}: `, 'task "b" depends on "x"', 'not a task in this goal');
});

test('a mistyped dependency id, and a mistyped after:, each say what was meant', async () => {
  const text = `${HEAD}- greet: greet\n  !write g.txt hi\n- cli: cli\n  after: gret\n- bye: bye\n  After: greet\n`;
  const f = await fixture(text);
  assertRejected(f, await runGoal(f),
    `${f.goal}:${lineOf(text, '- cli:')}: task "cli" depends on "gret", which is not a task in this goal; did you mean "greet"?`,
    `${f.goal}:${lineOf(text, '  After:')}: "After:" is not a task setting, so this line is prompt text of task "bye" and sets nothing; did you mean "after: greet"?`);
});

test('--resume of a run that is not there', async () => {
  const f = await fixture();
  assertRejected(f, await run(f, ['--resume', '20200101-000000-0000', '--local', '1']), 'there is no run 20200101-000000-0000', '(see claudecluster runs)');
});

test('a dependency cycle a → b → a', async () => {
  const text = `${HEAD}- a: first\n  after: b\n- b: second\n  after: a\n`;
  const f = await fixture(text);
  assertRejected(f, await runGoal(f), `${f.goal}:${lineOf(text, '- a:')}: `, 'cycle', 'a → b → a');
});

test('two tasks with the same id', async () => {
  const text = `${HEAD}- a: first\n- b: second\n- a: third\n`;
  const f = await fixture(text);
  const first = lineOf(text, '- a:');
  const second = text.split('\n').lastIndexOf('- a: third') + 1;
  assertRejected(f, await runGoal(f), `${f.goal}:${second}: `, `task id "a" is already used by the task at line ${first}`);
});

test('--repo that is not a git repository', async () => {
  const f = await fixture(VALID_GOAL, async (dir) => { await mkdir(dir); await writeFile(join(dir, 'notes.txt'), 'not a repo\n'); });
  assertRejected(f, await runGoal(f), `${f.repo} is not a git repository`);
});

test('--repo with no commits yet', async () => {
  const f = await fixture(VALID_GOAL, async (dir) => { await mkdir(dir); git(dir, 'init', '-q', '-b', 'main'); return dir; });
  assertRejected(f, await runGoal(f), `${f.repo} has no commits yet`);
});

test('a Tasks heading with no tasks under it', async () => {
  const f = await fixture(HEAD);
  assertRejected(f, await runGoal(f), `${f.goal}:${lineOf(HEAD, '## Tasks')}: `, 'the Tasks section lists no tasks');
});

test('--local 0', async () => {
  const f = await fixture();
  assertRejected(f, await run(f, [f.goal, '--repo', f.repo, '--local', '0']), '--local must be a whole number from 1 to', '"0"', USAGE_HEADING);
});

test('--local abc', async () => {
  const f = await fixture();
  assertRejected(f, await run(f, [f.goal, '--repo', f.repo, '--local', 'abc']), '--local must be a whole number from 1 to', '"abc"', USAGE_HEADING);
});

test('an unknown flag --bogus, and a mistyped one that is near a flag', async () => {
  const f = await fixture();
  assertRejected(f, await runGoal(f, f.goal, ['--bogus']), 'unknown option --bogus\n', USAGE_HEADING);
  assertRejected(f, await run(f, [f.goal, '--repo', f.repo, '--locl', '1']), 'unknown option --locl; did you mean --local?', USAGE_HEADING);
});

test('--help among the flags shows the command\'s usage and runs nothing', async () => {
  const f = await fixture();
  const r = await runGoal(f, f.goal, ['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage:\n {2}claudecluster run \(GOAL \| --resume RUN\)/);
  assert.doesNotMatch(r.stdout, /claudecluster pair/, 'only the usage of run');
  assert.deepEqual(whatStarted(f), []);
});

test('--agent that is not a multiaddr', async () => {
  const f = await fixture();
  assertRejected(f, await runGoal(f, f.goal, ['--agent', 'not-a-multiaddr']), '--agent "not-a-multiaddr" is not a multiaddr', USAGE_HEADING);
});

test('no goal argument', async () => {
  const f = await fixture();
  assertRejected(f, await run(f, ['--repo', f.repo, '--local', '1']), 'run needs a goal file', USAGE_HEADING);
});

test('an unknown front matter key', async () => {
  const text = `---\nbase: main\ncolour: blue\n---\n${VALID_GOAL}`;
  const f = await fixture(text);
  assertRejected(f, await runGoal(f), `${f.goal}:${lineOf(text, 'colour:')}: `, 'unknown front matter key "colour"');
});

test('a foreach glob that matches no file in the repository', async () => {
  const text = `${HEAD}- a: port {{item}}\n  foreach: src/**/*.rs\n  !write ported.txt {{item}}\n`;
  const f = await fixture(text);
  const head = git(f.repo, 'rev-parse', 'HEAD').slice(0, 12);
  assertRejected(f, await runGoal(f), `${f.goal}:${lineOf(text, '  foreach:')}: foreach src/**/*.rs matched no file in the repository at HEAD (${head})`);
});

test('a then: naming a task that does not exist', async () => {
  const text = `${HEAD}- a: greet in {{item}}\n  foreach: [en, de]\n  then: ghost\n- b: check\n`;
  const f = await fixture(text);
  assertRejected(f, await runGoal(f), `${f.goal}:${lineOf(text, '  then:')}: `, 'task "a" says then "ghost"', 'not a task in this goal');
});

test('a bad timeout, in the front matter and on a task', async () => {
  const text = `---\ntimeout: soon\n---\n${HEAD}- a: write a file\n  timeout: -5\n  !write f.txt hi\n`;
  const f = await fixture(text);
  assertRejected(f, await runGoal(f),
    `${f.goal}:${lineOf(text, 'timeout:')}: front matter key "timeout" must be a time limit above 0`,
    `${f.goal}:${lineOf(text, '  timeout:')}: "timeout" of task "a" must be a time limit above 0`);
});

test('positive control: a valid goal runs, and the checks above see it', { timeout: RUN_TIMEOUT_MS }, async () => {
  const f0 = await fixture();
  // Task a waits for this file, so the test can see the agent process while the run is under way.
  const go = join(f0.root, 'go');
  const text = `${HEAD}- a: write f.txt\n  !wait-for ${go}\n  !write f.txt hi\n- b: write g.txt\n  after: a\n  !write g.txt ho\n`;
  await writeFile(f0.goal, text);
  const f = { ...f0, before: repoState(f0.repo) };

  const running = runGoal(f, f.goal, ['--json']);
  await waitFor(() => processesUsing(f.dataDir).length > 0, 'the local agent to start');
  assert.match(whatStarted(f).join('\n'), /processes: \d+/);
  await writeFile(go, '');
  const r = await running;

  assert.equal(r.code, 0, `exit code; stderr: ${r.stderr}`);
  const started = r.events.find((e) => e['type'] === 'run-started');
  const branch = String(started?.['branch']);
  assert.match(branch, /^claudecluster\//);
  assert.equal(git(f.repo, 'show', `${branch}:f.txt`), 'hi');
  assert.equal(git(f.repo, 'show', `${branch}:g.txt`), 'ho');
  const found = whatStarted(f);
  assert.ok(found.includes(`run branch: refs/heads/${branch}`), found.join('; '));
  assert.ok(found.includes('repo refs changed'), found.join('; '));
  assert.ok(found.includes('runs/ in the data dir'), found.join('; '));
  assert.ok(found.some((s) => s.startsWith('local agent data dir')), found.join('; '));
  // The run stopped its agent, and left the user's checkout alone.
  assert.deepEqual(processesUsing(f.dataDir), []);
  assert.equal(found.some((s) => /repo (HEAD|HEAD commit|status|worktrees|files) changed/.test(s)), false, found.join('; '));
});
