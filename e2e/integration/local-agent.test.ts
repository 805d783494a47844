/** A `--local` agent belongs to the CLI that started it: it stops when that process is gone, even after kill -9. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI_BIN, FAKE_CLAUDE, Scope, makeRepo, waitFor } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('kill -9 of the CLI mid-run: its local agent and the session under it stop too', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, `# Forever\n\n## Tasks\n- wait: Never ends\n  !write started.txt yes\n  !wait-for ${join(tmp, 'never')}\n`);
  const cli = scope.track(spawn(process.execPath, [CLI_BIN, 'run', goal, '--repo', repo, '--local', '1', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json'], { env: { ...process.env, CLAUDECLUSTER_CLAUDE_BIN: FAKE_CLAUDE } }));
  const events: Array<Record<string, unknown>> = [];
  createInterface({ input: cli.stdout! }).on('line', (l) => { try { events.push(JSON.parse(l) as Record<string, unknown>); } catch { /* not an event */ } });
  await waitFor(() => events.some((e) => e['type'] === 'task-output' && String(e['data']).includes('started.txt')), 'the task running');

  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(cli.pid)], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
  assert.equal(children.length, 1, 'the CLI has one child: its local agent');
  const agentPid = children[0]!;
  const sessions = execFileSync('ps', ['-o', 'pid=', '--ppid', String(agentPid)], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
  assert.ok(sessions.length >= 1, 'the agent runs the session');

  cli.kill('SIGKILL');
  await waitFor(() => !alive(agentPid), 'the local agent to stop after its CLI was killed');
  await waitFor(() => sessions.every((p) => !alive(p)), 'the session under it to end');
});
