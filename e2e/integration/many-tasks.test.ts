/** Many tasks over one agent connection: streams are released, so nothing runs out. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, runCli } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

/** More tasks than the agent allows blob streams (16) on one connection at once. */
const TASKS = 24;

test(`${TASKS} tasks on one local agent all merge`, async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const items = Array.from({ length: TASKS }, (_, i) => `- t${i}: Write file ${i}\n  !write out/t${i}.txt ${i}\n`);
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, `# Many\n\nMany small tasks.\n\n## Tasks\n${items.join('')}`);
  const r = await runCli(['run', goal, '--repo', repo, '--local', '4', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
  const branch = (r.events.find((e) => e['type'] === 'run-finished') as { summary: { branch: string } }).summary.branch;
  const files = git(repo, 'ls-tree', '--name-only', `${branch}:out`).split('\n');
  assert.equal(files.length, TASKS);
});
