/**
 * Early starts across agents: a task waiting on one other's result starts from it on the agent
 * that made it when that agent can take it; once the driver has fetched that result, any agent
 * may, before the result has merged.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, runCli, startAgent } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

interface TaskOut { id: string; status: string; agent?: string; base?: string; commit?: string }
interface StatusEvent { type: string; time: string; task: TaskOut }

test('a task its dependency\'s agent will not run starts on another from the fetched result, before that result merges', async () => {
  const tmp = await scope.tmp();
  const driverDir = join(tmp, 'driver');
  // x has the most free slots, so a goes there; only y lets a session bypass permissions, as b asks.
  const agents = [];
  for (const [name, args] of [['x', ['--slots', '2']], ['y', ['--slots', '1', '--allow-bypass']]] as const) {
    const dataDir = join(tmp, name);
    const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--name', name, ...args] });
    await pairWith(scope, agent, driverDir, dataDir);
    agents.push(agent);
  }
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# early\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '---', 'session:', '  mode: headless', '---', '# Early', '', '## Tasks',
    '- a: First', '  !write a.txt a',
    '- b: Second', '  after: a', '  permission_mode: bypassPermissions', '  !require a.txt', '  !write b.txt b', '',
  ].join('\n'));
  const r = await runCli(['run', goal, '--repo', repo, '--data-dir', driverDir, '--no-mdns', '--json', ...agents.flatMap((a) => ['--agent', a.addr])], { wrap: ['timeout', '120'] });
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);

  const statuses = (r.events as unknown as StatusEvent[]).filter((e) => e.type === 'task-status');
  const at = (id: string, status: string): StatusEvent[] => statuses.filter((s) => s.task.id === id && s.task.status === status);
  const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: { branch: string; tasks: TaskOut[] } };
  const [a, b] = ['a', 'b'].map((id) => finished.summary.tasks.find((t) => t.id === id)!);
  assert.equal(a!.agent, 'x');
  assert.equal(b!.agent, 'y', 'b ran where it is allowed');
  const sentToY = at('b', 'dispatching').find((s) => s.task.agent === 'y')!;
  assert.ok(Date.parse(sentToY.time) < Date.parse(at('a', 'merged')[0]!.time), 'b went to y before a merged');
  assert.equal(b!.base, a!.commit, 'b started from a\'s result');
  assert.equal(git(repo, 'show', `${finished.summary.branch}:b.txt`), 'b');
});
