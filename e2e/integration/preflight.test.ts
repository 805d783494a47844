/**
 * Preflight and permissions: agents that cannot run Claude Code are named and skipped; owners cap
 * permission modes, which a driver reads from each agent's info and an agent enforces.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, runCli, startAgent } from '../harness.js';
import { directAgent } from '../direct-agent.js';
import { RPC_ERROR, RpcError } from '../../shared/protocol/jsonrpc.js';

const scope = new Scope();
after(() => scope.cleanup());

async function setup(agentArgs: string[], env: NodeJS.ProcessEnv = {}): Promise<{ tmp: string; repo: string; goal: string; driverDir: string; addr: string }> {
  const tmp = await scope.tmp();
  const dataDir = join(tmp, 'agent');
  const agent = await startAgent(scope, { dataDir, env, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair', '--name', 'box', ...agentArgs] });
  const driverDir = join(tmp, 'driver');
  await pairWith(scope, agent, driverDir, dataDir);
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, '# One\n\n## Tasks\n- one: Write a file\n  !write a.txt a\n');
  return { tmp, repo, goal, driverDir, addr: agent.addr };
}

for (const [what, args, env, expected] of [
  ['missing', ['--claude-bin', '/nonexistent/claude'], {}, /agent box is not used: Claude Code was not found at "\/nonexistent\/claude".*--claude-bin/],
  ['logged out', [], { FAKE_CLAUDE_LOGGED_OUT: '1' }, /agent box is not used: Claude Code is not logged in on this machine: run "claude" there/],
] as const) {
  test(`an agent whose Claude Code is ${what} is named, says what to run, and gets no task`, async () => {
    const s = await setup([...args], env);
    const r = await runCli(['run', s.goal, '--repo', s.repo, '--agent', s.addr, '--data-dir', s.driverDir, '--no-mdns', '--json']);
    assert.equal(r.code, 1);
    const warnings = r.events.filter((e) => e['type'] === 'warning').map((e) => String(e['message']));
    assert.ok(warnings.some((w) => expected.test(w)), warnings.join('\n'));
    assert.ok(!r.events.some((e) => e['type'] === 'run-started'), 'nothing was dispatched');
  });
}

test('bypassPermissions is refused unless the agent\'s owner allows it', async () => {
  const s = await setup([]);
  await writeFile(s.goal, '---\nsession:\n  permission_mode: bypassPermissions\n---\n# One\n\n## Tasks\n- one: Write a file\n  !write a.txt a\n');
  const refused = await runCli(['run', s.goal, '--repo', s.repo, '--agent', s.addr, '--data-dir', s.driverDir, '--no-mdns', '--json']);
  assert.equal(refused.code, 1);
  const summary = (refused.events.find((e) => e['type'] === 'run-finished') as { summary: { tasks: Array<{ error?: string; attempts?: number }> } }).summary;
  assert.match(summary.tasks[0]!.error ?? '', /agent box does not allow permission mode "bypassPermissions".*--allow-bypass/);
  // The agent's policy, which its info gives, not a failure: the task fails at once when no agent allows it, and is never sent.
  assert.match(summary.tasks[0]!.error ?? '', /every agent of this run refuses it/);
  assert.equal(summary.tasks[0]!.attempts, 0);
  assert.equal(refused.events.filter((e) => e['type'] === 'task-status' && (e['task'] as { status: string }).status === 'dispatching').length, 0, 'never sent to the agent');

  const allowed = await setup(['--allow-bypass']);
  await writeFile(allowed.goal, '---\nsession:\n  permission_mode: bypassPermissions\n---\n# One\n\n## Tasks\n- one: Write a file\n  !touch-env IS_SANDBOX sandbox.txt\n');
  const ok = await runCli(['run', allowed.goal, '--repo', allowed.repo, '--agent', allowed.addr, '--data-dir', allowed.driverDir, '--no-mdns', '--json']);
  assert.equal(ok.code, 0, ok.stdout.slice(-2000));
  // As root Claude Code needs IS_SANDBOX=1 for this mode: the agent sets it then, and only then.
  const branch = (ok.events.find((e) => e['type'] === 'run-finished') as { summary: { branch: string } }).summary.branch;
  assert.equal(git(allowed.repo, 'show', `${branch}:sandbox.txt`), process.getuid?.() === 0 ? '1' : '');
});

test('a task goes only to agents whose owners allow its permission mode, as its first attempt', async () => {
  const s = await setup([]);
  const dataDir = join(s.tmp, 'agent-open');
  const open = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair', '--name', 'open', '--allow-bypass'] });
  await pairWith(scope, open, s.driverDir, dataDir);
  // Four tasks over two agents of two slots: the first pass gives both agents some.
  const tasks = ['a', 'b', 'c', 'd'].map((id) => `- ${id}: Write ${id}\n  !write ${id}.txt ${id}\n`).join('');
  await writeFile(s.goal, `---\nsession:\n  permission_mode: bypassPermissions\n---\n# Four\n\n## Tasks\n${tasks}`);
  const r = await runCli(['run', s.goal, '--repo', s.repo, '--agent', s.addr, '--agent', open.addr, '--data-dir', s.driverDir, '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  const statuses = r.events.filter((e) => e['type'] === 'task-status').map((e) => e['task'] as { status: string; agent?: string });
  assert.ok(!statuses.some((t) => t.status === 'dispatching' && t.agent === 'box'), 'none was sent to box, whose info says it does not allow the mode');
  const summary = (r.events.find((e) => e['type'] === 'run-finished') as { summary: { tasks: Array<{ agent?: string; attempts?: number; status: string }> } }).summary;
  for (const t of summary.tasks) {
    assert.equal(t.status, 'merged');
    assert.equal(t.agent, 'open');
    assert.equal(t.attempts, 1, 'a refusal is not an attempt');
  }
});

test('an agent refuses a task in a permission mode its owner does not allow, whoever asks', async () => {
  const tmp = await scope.tmp();
  const d = await directAgent(scope, tmp);
  try {
    await assert.rejects(d.start('t1', '!write a.txt a', { mode: 'headless', permissionMode: 'bypassPermissions' }),
      (e: Error) => e instanceof RpcError && e.code === RPC_ERROR.refused && /this agent does not allow permission mode "bypassPermissions".*--allow-bypass/.test(e.message));
    const { tasks } = await d.client.rpc.request('task.list', { runId: 'r1' });
    assert.deepEqual(tasks, [], 'nothing was taken in');
  } finally {
    await d.close();
  }
});
