/**
 * An agent restarted on its data dir takes back its tasks; a finished task whose results were all
 * collected longer ago than the retention is deleted, its record and its branch in the repo cache.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RECORD_RETENTION_MS } from '../../agent/task-records.js';
import { Scope, git, makeRepo, pairWith, runCli, startAgent, stop } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

test('a restarted agent deletes tasks collected longer ago than the retention, with their branches, and keeps the rest', async () => {
  const tmp = await scope.tmp();
  const dataDir = join(tmp, 'agent');
  const driverDir = join(tmp, 'driver');
  const first = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair'] });
  await pairWith(scope, first, driverDir, dataDir);
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, '# Two tasks\n\n## Tasks\n- old: Write a file\n  !write old.txt old\n- recent: Write another\n  !write recent.txt recent\n');
  const r = await runCli(['run', goal, '--repo', repo, '--agent', first.addr, '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  await stop(first.proc);

  const tasksDir = join(dataDir, 'tasks');
  const keys = await readdir(tasksDir);
  assert.equal(keys.length, 2);
  const [cache] = (await readdir(join(dataDir, 'repos'))).map((name) => join(dataDir, 'repos', name));
  const branches = (): string[] => git(cache!, 'for-each-ref', '--format=%(refname:lstrip=4)', 'refs/heads/cc/task/').split('\n').filter(Boolean).sort();
  assert.deepEqual(branches(), [...keys].sort(), 'each task has its branch');
  const [aged, kept] = keys as [string, string];
  const longAgo = new Date(Date.now() - RECORD_RETENTION_MS - 3600_000);
  await utimes(join(tasksDir, aged, 'task.json'), longAgo, longAgo);

  const again = await startAgent(scope, { dataDir });
  assert.equal(existsSync(join(tasksDir, aged)), false, 'the aged task is deleted');
  assert.equal(existsSync(join(tasksDir, kept)), true, 'the recent one is kept');
  assert.deepEqual(branches(), [kept], 'and only its branch is left');
  assert.equal(again.events.filter((e) => e['type'] === 'warning').length, 0);
});
