/**
 * The foundation end to end: a driver and two real agent processes on loopback run a goal
 * with tasks A, B (independent) and C (after A) and return one merged branch.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, runCli, startAgent } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

/** sha256 over every file's path and bytes outside .git: "byte for byte unchanged". */
function treeDigest(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name === '.git') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

interface StatusEvent { time: string; task: { id: string; status: string; agent?: string } }

test('tasks A, B and C (after A) run on two agents and merge into one branch', async () => {
  const tmp = await scope.tmp();
  const sync = join(tmp, 'sync');
  // A base, and b's result, too big to ride inline in a control message: they go over the blob protocol.
  const noise = randomBytes(150_000).toString('base64');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n', 'src/app.txt': 'v1\n', 'assets/noise.txt': noise });
  // The user is mid-work: a modified tracked file and an untracked one must survive untouched.
  await appendFile(join(repo, 'README.md'), 'local edit, not committed\n');
  await writeFile(join(repo, 'scratch.txt'), 'untracked\n');
  const before = { digest: treeDigest(repo), head: git(repo, 'rev-parse', 'HEAD'), branch: git(repo, 'rev-parse', '--abbrev-ref', 'HEAD'), status: git(repo, 'status', '--porcelain') };

  const driverDir = join(tmp, 'driver');
  const agents = [];
  for (const name of ['one', 'two']) {
    const dataDir = join(tmp, `agent-${name}`);
    const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--slots', '2', '--name', name] });
    await pairWith(scope, agent, driverDir, dataDir);
    agents.push(agent);
  }

  // A and B wait for each other: the run can only finish if they really run at the same time.
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '# Three changes', '', 'A small goal for the integration test.', '', '## Tasks',
    '- a: Add a.txt', `  !write ${sync}/a-started 1`, `  !wait-for ${sync}/b-started`, '  !write a.txt made by A',
    '- b: Add b.txt', `  !write ${sync}/b-started 1`, `  !wait-for ${sync}/a-started`, '  !write b.txt made by B', '  !run sha256sum assets/noise.txt > noise.sum; head -c 150000 /dev/urandom | base64 -w0 > big.txt',
    '- c: Build on A', '  after: a', '  !require a.txt', '  !run cp a.txt c-saw-a.txt',
    '',
  ].join('\n'));

  const r = await runCli(['run', goal, '--repo', repo, '--data-dir', driverDir, '--no-mdns', '--json', ...agents.flatMap((a) => ['--agent', a.addr])]);
  assert.equal(r.code, 0, `run failed: ${r.stderr}\n${r.stdout.slice(-3000)}`);

  const finished = r.events.find((e) => e['type'] === 'run-finished') as { summary: { branch: string; ok: boolean; tasks: Array<{ id: string; status: string; agent: string }> } };
  assert.ok(finished.summary.ok);
  const branch = finished.summary.branch;
  assert.match(branch, /^claudecluster\/[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$/);

  // Every change is on the branch, and C's worktree held A's change.
  assert.equal(git(repo, 'show', `${branch}:a.txt`), 'made by A');
  assert.equal(git(repo, 'show', `${branch}:b.txt`), 'made by B');
  assert.equal(git(repo, 'show', `${branch}:c-saw-a.txt`), 'made by A');
  assert.equal(git(repo, 'show', `${branch}:src/app.txt`), 'v1');
  assert.equal(git(repo, 'show', `${branch}:noise.sum`), `${createHash('sha256').update(noise).digest('hex')}  assets/noise.txt`);
  assert.equal(git(repo, 'cat-file', '-s', `${branch}:big.txt`), '200000');
  const log = git(repo, 'log', '--format=%s', branch);
  for (const id of ['a', 'b', 'c']) assert.match(log, new RegExp(`^task ${id}: `, 'm'));
  // Merged results need no refs of their own: the run leaves only its branch.
  assert.equal(git(repo, 'for-each-ref', 'refs/claudecluster/'), '');

  // A and B overlapped in time, on different agents (the scheduler spreads work).
  const status = r.events.filter((e) => e['type'] === 'task-status') as unknown as StatusEvent[];
  const at = (id: string, s: string): number => Date.parse(status.find((e) => e.task.id === id && e.task.status === s)!.time);
  assert.ok(at('a', 'running') < at('b', 'merged') && at('b', 'running') < at('a', 'merged'), 'A and B did not overlap');
  const agentOf = (id: string): string | undefined => finished.summary.tasks.find((t) => t.id === id)?.agent;
  assert.notEqual(agentOf('a'), agentOf('b'));
  // C started from A's result (c-saw-a.txt above), once A had run, and merged only after A.
  assert.ok(at('c', 'dispatching') >= at('a', 'running'));
  assert.ok(at('c', 'merged') > at('a', 'merged'));

  // The user was warned about their uncommitted work, and it is exactly as it was.
  assert.ok(r.events.some((e) => e['type'] === 'warning' && String(e['message']).includes('uncommitted changes')));
  assert.equal(treeDigest(repo), before.digest);
  assert.equal(git(repo, 'rev-parse', 'HEAD'), before.head);
  assert.equal(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD'), before.branch);
  assert.equal(git(repo, 'status', '--porcelain'), before.status);
  // The integration worktree is gone; only the user's own checkout is listed.
  assert.equal(git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
});
