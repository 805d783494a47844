/** A `--local` agent belongs to the CLI that started it: it stops when that process is gone, even after kill -9. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AGENT_BIN, CLI_BIN, FAKE_CLAUDE, Scope, childProcesses, makeRepo, processAlive as alive, waitFor } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

test('kill -9 of the CLI mid-run: its local agent and the session under it stop too', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, `# Forever\n\n## Tasks\n- wait: Never ends\n  !write started.txt yes\n  !wait-for ${join(tmp, 'never')}\n`);
  const cli = scope.track(spawn(process.execPath, [CLI_BIN, 'run', goal, '--repo', repo, '--local', '1', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json'], { env: { ...process.env, CLAUDECLUSTER_CLAUDE_BIN: FAKE_CLAUDE } }));
  const events: Array<Record<string, unknown>> = [];
  createInterface({ input: cli.stdout! }).on('line', (l) => { try { events.push(JSON.parse(l) as Record<string, unknown>); } catch { /* not an event */ } });
  await waitFor(() => events.some((e) => e['type'] === 'task-output' && String(e['data']).includes('started.txt')), 'the task running');

  // Its children: the local agent, and the helper its git processes start from (see spawner.ts).
  const children = childProcesses(cli.pid!);
  const agents = children.filter((c) => c.args.includes(AGENT_BIN));
  assert.equal(agents.length, 1, `the CLI has one local agent: ${JSON.stringify(children)}`);
  const agentPid = agents[0]!.pid;
  const sessions = childProcesses(agentPid).map((c) => c.pid);
  assert.ok(sessions.length >= 1, 'the agent runs the session');

  cli.kill('SIGKILL');
  await waitFor(() => !alive(agentPid), 'the local agent to stop after its CLI was killed');
  await waitFor(() => sessions.every((p) => !alive(p)), 'the session under it to end');
  await waitFor(() => children.every((c) => !alive(c.pid)), 'every process the CLI started to end');
});
