/**
 * Fan-out through the real CLI: a task with `foreach:` over a glob of the repository's files
 * becomes one task per file, and its `then:` task runs once all of them have merged.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, runCli } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

/** The files the glob below matches, as committed; the others must not be. */
const MATCHED = ['src/a.txt', 'src/b.txt', 'src/deep/c.txt'];
const EXPANDED_IDS = ['count-src-a-txt', 'count-src-b-txt', 'count-src-deep-c-txt'];

interface StatusEvent { time: string; task: { id: string; status: string } }

test('foreach over a glob runs one task per tracked file, and then: merges after all of them', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), {
    'README.md': '# sample\n', 'src/a.txt': 'alpha\n', 'src/b.txt': 'beta\n', 'src/deep/c.txt': 'gamma\n', 'src/notes.md': 'not matched\n',
  });
  // Not committed, so not at the run's base: the glob must not match it.
  await writeFile(join(repo, 'src', 'untracked.txt'), 'local only\n');

  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '# Fan out', '', 'Each file gets a result; a summary follows.', '', '## Tasks',
    '- count: Copy {{item}}',
    '  foreach: src/**/*.txt',
    '  then: summary',
    '  !run mkdir -p results && cp {{item}} results/$(echo {{item}} | tr / _)',
    '- summary: List the results',
    '  !run ls results > summary.txt',
    '',
  ].join('\n'));

  const r = await runCli(['run', goal, '--repo', repo, '--local', '2', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 0, `run failed: ${r.stderr}\n${r.stdout.slice(-3000)}`);
  const finished = r.events.find((e) => e['type'] === 'run-finished') as { summary: { branch: string; ok: boolean; tasks: Array<{ id: string; status: string }> } };
  assert.ok(finished.summary.ok);
  assert.deepEqual(finished.summary.tasks.map((t) => t.id).sort(), [...EXPANDED_IDS, 'summary'].sort());

  // One result per matched file, each a copy of it, and the summary saw all of them.
  const branch = finished.summary.branch;
  const results = MATCHED.map((path) => path.replaceAll('/', '_'));
  assert.deepEqual(git(repo, 'ls-tree', '--name-only', `${branch}:results`).split('\n'), results);
  for (const [index, path] of MATCHED.entries()) {
    assert.equal(git(repo, 'show', `${branch}:results/${results[index]}`), git(repo, 'show', `HEAD:${path}`));
  }
  assert.equal(git(repo, 'show', `${branch}:summary.txt`), results.join('\n'));

  // The summary saw every expansion's result (summary.txt above) and merged after all of them; it may
  // have started early, once every expansion had reported, those not merged yet merged in on its agent.
  const status = r.events.filter((e) => e['type'] === 'task-status') as unknown as StatusEvent[];
  const at = (id: string, s: string): number => {
    const event = status.find((e) => e.task.id === id && e.task.status === s);
    assert.ok(event, `no "${s}" event for ${id}`);
    return Date.parse(event.time);
  };
  assert.ok(EXPANDED_IDS.every((id) => at('summary', 'dispatching') >= at(id, 'running')), 'summary was dispatched before every expansion was at work');
  assert.ok(EXPANDED_IDS.every((id) => at('summary', 'merged') > at(id, 'merged')), 'summary merged before every expansion had');
});
