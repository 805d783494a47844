/** How sessions end: a cancel keeps what was produced; an idle session closes by itself. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI_BIN, FAKE_CLAUDE, Scope, git, makeRepo, waitFor } from '../harness.js';
import { directAgent, type DirectAgent } from '../direct-agent.js';

const scope = new Scope();
const closers: DirectAgent[] = [];
after(async () => {
  await Promise.all(closers.map((d) => d.close()));
  await scope.cleanup();
});

test('Ctrl-C cancels a running task; what it produced is kept on its ref', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, `# Long\n\nWork that never ends.\n\n## Tasks\n- goal: Never ends\n  !write partial.txt half done\n  !wait-for ${join(tmp, 'never')}\n`);
  const cli = scope.track(spawn(process.execPath, [CLI_BIN, 'run', goal, '--repo', repo, '--local', '1', '--data-dir', join(tmp, 'driver'), '--no-mdns', '--json'], { env: { ...process.env, CLAUDECLUSTER_CLAUDE_BIN: FAKE_CLAUDE } }));
  const events: Array<Record<string, unknown>> = [];
  createInterface({ input: cli.stdout! }).on('line', (l) => { try { events.push(JSON.parse(l) as Record<string, unknown>); } catch { /* not an event */ } });
  await waitFor(() => events.some((e) => e['type'] === 'task-output' && String(e['data']).includes('partial.txt')), 'the task writing its first file');
  cli.kill('SIGINT');
  const code = await new Promise<number | null>((r) => cli.on('close', r));
  assert.equal(code, 1);
  const { summary } = events.find((e) => e['type'] === 'run-finished') as { summary: { runId: string; tasks: Array<{ status: string; error?: string }> } };
  assert.equal(summary.tasks[0]!.status, 'failed');
  assert.match(summary.tasks[0]!.error ?? '', /cancelled/);
  assert.equal(git(repo, 'show', `refs/claudecluster/${summary.runId}/goal:partial.txt`), 'half done');
});

test('a session that delivered its result closes after the idle timeout', async () => {
  const d = await directAgent(scope, await scope.tmp(), ['--idle-timeout', '1']);
  closers.push(d);
  await d.start('t1', '!write a.txt a');
  await waitFor(() => d.states.some((e) => e.state === 'exited'), 'the idle session closing by itself');
  const done = d.states.find((e) => e.state === 'done')!;
  const exited = d.states.find((e) => e.state === 'exited')!;
  assert.ok(exited.at - done.at >= 1000, `closed ${exited.at - done.at} ms after its result`);
});

test('a screen that waits for a person turns the task needs-input with the reason, never a silent hang', async () => {
  const tmp = await scope.tmp();
  // A "Claude Code" stuck on a dialog: it draws a question and never takes the prompt.
  const stuck = join(tmp, 'stuck-claude');
  await writeFile(stuck, '#!/bin/sh\n[ "$1" = "--version" ] && { echo "9.9.9 (Claude Code)"; exit 0; }\n[ "$1" = "auth" ] && { echo \'{"loggedIn":true}\'; exit 0; }\necho "Is this a project you trust?"\nexec sleep 600\n', { mode: 0o755 });
  const d = await directAgent(scope, tmp, ['--claude-bin', stuck]);
  closers.push(d);
  await d.start('t1', 'do it');
  await waitFor(() => d.states.some((e) => e.state === 'needs-input'), 'needs-input', 40_000);
  assert.match(d.states.find((e) => e.state === 'needs-input')!.detail ?? '', /screen is waiting for you/);
  await d.client.rpc.request('task.cancel', { runId: 'r1', taskId: 't1' });
});
