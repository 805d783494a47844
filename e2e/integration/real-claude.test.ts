/**
 * The real Claude Code CLI (pinned in package.json) through a real agent, offline against the
 * scripted Messages API: both session modes, permission prompts, failures, follow-ups.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Scope, ROOT, git, waitFor } from '../harness.js';
import { CLAUDE_BIN } from '../mock-api/run-claude.js';
import type { Scenario } from '../mock-api/server.js';
import { realSetup, startRun, statuses, type RealSetup } from './real-claude-harness.js';
import { screenLines } from '../screen.js';

const scope = new Scope();
const setups: RealSetup[] = [];
after(async () => {
  await Promise.all(setups.map((s) => s.close()));
  await scope.cleanup();
});

async function setup(scenario: Scenario, env: NodeJS.ProcessEnv = {}): Promise<RealSetup> {
  const s = await realSetup(scope, scenario, env);
  setups.push(s);
  return s;
}

// No retries: each failure case must end the task as it happened, not be tried again.
const goal = (mode: string, extra = ''): string => `---\nretries: 0\nsession:\n  mode: ${mode}\n${extra}---\n# Greeting\n\nWrite and then edit greet.txt.\n`;

const WRITE_THEN_EDIT: Scenario = [
  { tools: [{ name: 'Write', input: { file_path: 'greet.txt', content: 'hello\n' } }] },
  { tools: [{ name: 'Edit', input: { file_path: 'greet.txt', old_string: 'hello', new_string: 'hello world' } }] },
  { text: 'Wrote and edited greet.txt.' },
];

function taskLogPath(s: RealSetup, name: string): string {
  const dir = join(s.agentDir, 'tasks');
  return join(dir, readdirSync(dir)[0]!, name);
}

function taskLog(s: RealSetup, name: string): string {
  return readFileSync(taskLogPath(s, name), 'utf8');
}

test('the pinned CLI is the one installed, and is recorded in one place (package.json)', () => {
  const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@anthropic-ai/claude-code'];
  const version = execFileSync(CLAUDE_BIN, ['--version'], { encoding: 'utf8' }).trim().split(' ')[0];
  assert.equal(version, pinned, 'the Claude Code CLI changed: re-check its screens and hooks (notes/claude-code.md), then update the pin');
});

for (const mode of ['tui', 'headless'] as const) {
  test(`${mode}: the scripted model writes and edits a file; the change is merged and the cost is the CLI's own`, async () => {
    const s = await setup(WRITE_THEN_EDIT);
    const { done } = await startRun(s, goal(mode));
    const summary = await done;
    assert.equal(summary.ok, true, JSON.stringify(summary.tasks));
    assert.equal(git(s.repo, 'show', `${summary.branch}:greet.txt`), 'hello world');
    const states = statuses(s, 'goal').map((e) => e.status);
    assert.ok(states.includes('running') && states.at(-1) === 'merged', states.join(' → '));
    const cost = summary.tasks[0]!.costUsd ?? 0;
    assert.ok(cost > 0, 'a cost is reported');
    if (mode === 'headless') {
      // The CLI's own figure: total_cost_usd of its result event, kept in the task's raw log.
      const result = taskLog(s, 'stream.jsonl').split('\n').filter((l) => l.includes('"type":"result"')).map((l) => JSON.parse(l.slice(l.indexOf('{'))) as { total_cost_usd: number });
      assert.equal(cost, result.at(-1)!.total_cost_usd);
    } else {
      // The CLI's own figure: what it passed the statusLine command, shown in the pane's status line.
      const screen = await screenLines(readFileSync(taskLogPath(s, 'term.log')));
      const shown = screen.flatMap((l) => [...l.matchAll(/ClaudeCluster .*\$(\d+\.\d{4})/g)].map((m) => m[1]));
      assert.ok(shown.length > 0, 'the status line shows the running cost');
      assert.ok(shown.includes(cost.toFixed(4)), `reported $${cost} is not among the status line figures ${shown.join(', ')}`);
    }
  });
}

test('tui: a permission prompt makes the task need input at once; input typed through the driver answers it', async () => {
  const s = await setup([{ tools: [{ name: 'Bash', input: { command: 'touch allowed.txt', description: 'Create allowed.txt' } }] }, { text: 'Created it.' }]);
  const { run, pool, done } = await startRun(s, goal('tui', '  permission_mode: default\n'));
  let latencyMs = -1;
  pool.agents[0]!.rpc.on('task.state', (e) => { if (e.state === 'needs-input' && e.hookSentAt && latencyMs < 0) latencyMs = Date.now() - e.hookSentAt; });
  await waitFor(() => statuses(s, 'goal').some((e) => e.status === 'needs-input'), 'needs-input');
  console.log(`hook fired → needs-input at the driver: ${latencyMs} ms`);
  assert.ok(latencyMs >= 0 && latencyMs < 100, `state reached the driver ${latencyMs} ms after the hook`);
  // The pane, as a terminal draws it, shows Claude Code's own permission prompt (drawn just after the hook).
  const screen = async (): Promise<string> => (await screenLines(readFileSync(taskLogPath(s, 'term.log')))).join('\n');
  await waitFor(async () => /Do you want to proceed\?/.test(await screen()), 'the permission prompt on the screen');
  assert.match(await screen(), /touch allowed\.txt/);
  await run.input('goal', '1');
  const summary = await done;
  const after = statuses(s, 'goal').map((e) => e.status);
  assert.ok(after.indexOf('running', after.indexOf('needs-input')) > 0, `back to running after input: ${after.join(' → ')}`);
  assert.equal(summary.ok, true);
  assert.equal(git(s.repo, 'show', `${summary.branch}:allowed.txt`), '');
});

for (const mode of ['tui', 'headless'] as const) test(`${mode}: a follow-up typed after the turn makes a second commit that is re-integrated`, async () => {
  const s = await setup([
    { tools: [{ name: 'Write', input: { file_path: 'f.txt', content: 'one\n' } }] }, { text: 'First done.' },
    { tools: [{ name: 'Edit', input: { file_path: 'f.txt', old_string: 'one', new_string: 'two' } }] }, { text: 'Changed.' },
  ]);
  const { run, done } = await startRun(s, goal(mode), { stayOpen: true });
  await waitFor(() => statuses(s, 'goal').some((e) => e.status === 'merged'), 'the first result merged');
  await run.input('goal', 'now change one to two\r');
  await waitFor(() => statuses(s, 'goal').some((e) => e.detail === 'turn 2 re-integrated'), 'the follow-up re-integrated');
  run.close();
  const summary = await done;
  assert.equal(git(s.repo, 'show', `${summary.branch}:f.txt`), 'two');
  assert.equal(git(s.repo, 'log', '--format=%s', summary.branch).split('\n').filter((l) => l.startsWith('task goal:')).length, 2);
});

const FAILURES: Array<[string, string, Scenario, NodeJS.ProcessEnv, RegExp]> = [
  ['tui', '', [{ status: 401 }], {}, /not logged in \/ invalid API key/],
  ['headless', '', [{ status: 401 }], {}, /not logged in \/ invalid API key/],
  ['headless', '  max_budget_usd: 0.0015\n', [
    { tools: [{ name: 'Write', input: { file_path: 'a.txt', content: 'a' } }] },
    { tools: [{ name: 'Write', input: { file_path: 'b.txt', content: 'b' } }] },
    { tools: [{ name: 'Write', input: { file_path: 'c.txt', content: 'c' } }] },
  ], {}, /budget exceeded/],
  ['headless', '', [{ status: 529 }, { status: 529 }, { status: 529 }], { CLAUDE_CODE_MAX_RETRIES: '2' }, /API error: overloaded/],
  ['headless', '  max_turns: 1\n', [
    { tools: [{ name: 'Write', input: { file_path: 'a.txt', content: 'a' } }] },
    { tools: [{ name: 'Write', input: { file_path: 'b.txt', content: 'b' } }] },
  ], {}, /turn limit reached/],
];

for (const [mode, extra, scenario, env, reason] of FAILURES) {
  test(`${mode}: ${reason.source.replace(/\\/g, '')} → failed, named for the agent`, async () => {
    const s = await setup(scenario, env);
    const { done } = await startRun(s, goal(mode, extra));
    const summary = await done;
    const task = summary.tasks[0]!;
    assert.equal(task.status, 'failed');
    assert.equal(task.agent, 'real');
    assert.match(task.error ?? '', reason);
    if (env['CLAUDE_CODE_MAX_RETRIES']) assert.equal(s.api.requests.filter((r) => r.kind === 'turn').length, 3, 'retried by the CLI');
  });
}
