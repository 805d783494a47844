/**
 * A ready task waiting for a slot starts on whichever agent frees one first: the branch head it
 * will start from is sent to every agent while it waits, not once a slot is free.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, runCli, startAgent, waitFor } from '../harness.js';
import { UserRepo } from '../../main/driver/user-repo.js';

const scope = new Scope();
after(() => scope.cleanup());

/** Whether the agent's cache of the repo holds a commit (received from the driver) with all of `files`. */
function holdsCommitWith(cache: string, files: readonly string[]): boolean {
  if (!existsSync(join(cache, 'HEAD'))) return false;
  try {
    const refs = git(cache, 'for-each-ref', '--format=%(refname)', 'refs/cc/have/').split('\n').filter(Boolean);
    return refs.some((ref) => {
      const names = git(cache, 'ls-tree', '--name-only', ref).split('\n');
      return files.every((f) => names.includes(f));
    });
  } catch {
    return false; // the agent is still making it
  }
}

test('the head a ready task will start from reaches every agent while it waits for a slot', async () => {
  const tmp = await scope.tmp();
  const driverDir = join(tmp, 'driver');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# ahead\n' });
  const agents = [];
  for (const name of ['x', 'y']) {
    const dataDir = join(tmp, name);
    const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--name', name, '--slots', '1'] });
    await pairWith(scope, agent, driverDir, dataDir);
    agents.push({ agent, dataDir });
  }
  // a and c go first; l1 and l2 then hold both slots until released, ahead of d (lower priority),
  // which waits for them on a merge of a and c made once both merged. A budget rules out chained
  // starts (d would take c's slot as c ends).
  const release = join(tmp, 'release');
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '---', 'budget_usd: 100', 'session:', '  mode: headless', '---', '# Ahead', '', '## Tasks',
    '- a: A', '  priority: 2', '  !write a.txt a',
    '- c: C', '  priority: 2', '  !write c.txt c',
    '- l1: Long one', '  priority: 1', `  !wait-for ${release}`, '  !write l1.txt l1',
    '- l2: Long two', '  priority: 1', `  !wait-for ${release}`, '  !write l2.txt l2',
    '- d: After both', '  after: a, c', '  !require a.txt', '  !require c.txt', '  !write d.txt d', '',
  ].join('\n'));
  const run = runCli(['run', goal, '--repo', repo, '--data-dir', driverDir, '--no-mdns', '--json', ...agents.flatMap(({ agent }) => ['--agent', agent.addr])], { wrap: ['timeout', '120'] });

  const { repoId } = await UserRepo.open(repo);
  const caches = agents.map(({ dataDir }) => join(dataDir, 'repos', `${repoId}.git`));
  try {
    // Neither can start d yet: the merge reaches them only if sent ahead.
    await waitFor(() => caches.every((cache) => holdsCommitWith(cache, ['a.txt', 'c.txt'])), 'a merge of a and c on both agents while l1 and l2 hold the slots');
  } finally {
    await writeFile(release, 'go\n');
  }

  const r = await run;
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
  const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: { branch: string } };
  assert.equal(git(repo, 'show', `${finished.summary.branch}:d.txt`), 'd');
});
