/** Preflight and permissions: agents that cannot run Claude Code are named and skipped; owners cap permission modes. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, runCli, startAgent } from '../harness.js';

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
  const summary = (refused.events.find((e) => e['type'] === 'run-finished') as { summary: { tasks: Array<{ error?: string }> } }).summary;
  assert.match(summary.tasks[0]!.error ?? '', /does not allow permission mode "bypassPermissions".*--allow-bypass/);

  const allowed = await setup(['--allow-bypass']);
  await writeFile(allowed.goal, '---\nsession:\n  permission_mode: bypassPermissions\n---\n# One\n\n## Tasks\n- one: Write a file\n  !touch-env IS_SANDBOX sandbox.txt\n');
  const ok = await runCli(['run', allowed.goal, '--repo', allowed.repo, '--agent', allowed.addr, '--data-dir', allowed.driverDir, '--no-mdns', '--json']);
  assert.equal(ok.code, 0, ok.stdout.slice(-2000));
  // As root Claude Code needs IS_SANDBOX=1 for this mode: the agent sets it then, and only then.
  const branch = (ok.events.find((e) => e['type'] === 'run-finished') as { summary: { branch: string } }).summary.branch;
  assert.equal(git(allowed.repo, 'show', `${branch}:sandbox.txt`), process.getuid?.() === 0 ? '1' : '');
});
