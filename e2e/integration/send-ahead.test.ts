/**
 * A ready task waiting for a slot starts on whichever agent frees one first: the branch head it
 * will start from is sent to every agent while it waits, not once a slot is free. A join waiting
 * on one task still at work will start on that task's agent: the head with the rest merged goes
 * there while it works. A budget rules out chained starts, which would bring those heads too.
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

interface AheadRun {
  repo: string;
  /** Each agent's cache of the repo, in the order given. */
  caches: string[];
  /** The run's end: the merged branch's `file`. */
  shown(file: string): Promise<string>;
}

/** Starts a run of `tasks` (goal lines, with a budget: no chained starts) over agents named by `agents` with their extra flags. */
async function startRun(tmp: string, agents: ReadonlyArray<readonly [string, readonly string[]]>, tasks: readonly string[]): Promise<AheadRun> {
  const driverDir = join(tmp, 'driver');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# ahead\n' });
  const started = [];
  for (const [name, args] of agents) {
    const dataDir = join(tmp, name);
    const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--name', name, ...args] });
    await pairWith(scope, agent, driverDir, dataDir);
    started.push({ agent, dataDir });
  }
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, ['---', 'budget_usd: 100', 'session:', '  mode: headless', '---', '# Ahead', '', '## Tasks', ...tasks, ''].join('\n'));
  const run = runCli(['run', goal, '--repo', repo, '--data-dir', driverDir, '--no-mdns', '--json', ...started.flatMap(({ agent }) => ['--agent', agent.addr])], { wrap: ['timeout', '120'] });
  const { repoId } = await UserRepo.open(repo);
  return {
    repo,
    caches: started.map(({ dataDir }) => join(dataDir, 'repos', `${repoId}.git`)),
    shown: async (file) => {
      const r = await run;
      assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
      const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: { branch: string } };
      return git(repo, 'show', `${finished.summary.branch}:${file}`);
    },
  };
}

test('the head a ready task will start from reaches every agent while it waits for a slot', async () => {
  const tmp = await scope.tmp();
  // a and c go first; l1 and l2 then hold both slots until released, ahead of d (lower priority),
  // which waits for them on a merge of a and c made once both merged.
  const release = join(tmp, 'release');
  const run = await startRun(tmp, [['x', ['--slots', '1']], ['y', ['--slots', '1']]], [
    '- a: A', '  priority: 2', '  !write a.txt a',
    '- c: C', '  priority: 2', '  !write c.txt c',
    '- l1: Long one', '  priority: 1', `  !wait-for ${release}`, '  !write l1.txt l1',
    '- l2: Long two', '  priority: 1', `  !wait-for ${release}`, '  !write l2.txt l2',
    '- d: After both', '  after: a, c', '  !require a.txt', '  !require c.txt', '  !write d.txt d',
  ]);
  try {
    // Neither can start d yet: the merge reaches them only if sent ahead.
    await waitFor(() => run.caches.every((cache) => holdsCommitWith(cache, ['a.txt', 'c.txt'])), 'a merge of a and c on both agents while l1 and l2 hold the slots');
  } finally {
    await writeFile(release, 'go\n');
  }
  assert.equal(await run.shown('d.txt'), 'd');
});

test('a join whose other task still works gets the head with the one merged on that task\'s agent, while it works', async () => {
  const tmp = await scope.tmp();
  // b asks to bypass permissions, which only y allows, and goes first there; a runs on x and
  // merges while b waits. j will start from that merge on y: y holds it before b is released.
  const release = join(tmp, 'release');
  const run = await startRun(tmp, [['x', ['--slots', '1']], ['y', ['--slots', '1', '--allow-bypass']]], [
    '- a: A', '  !write a.txt a',
    '- b: B', '  priority: 2', '  permission_mode: bypassPermissions', `  !wait-for ${release}`, '  !write b.txt b',
    '- j: Join', '  after: a, b', '  !require a.txt', '  !require b.txt', '  !write j.txt j',
  ]);
  try {
    await waitFor(() => holdsCommitWith(run.caches[1]!, ['a.txt']), 'the head with a merged, on y, while b works there');
  } finally {
    await writeFile(release, 'go\n');
  }
  assert.equal(await run.shown('j.txt'), 'j');
});
