/**
 * A goal without a task list is planned by Claude Code on an agent (headless, plan mode,
 * `--json-schema`), shown, and then run or written out. The real CLI plans against the scripted
 * Messages API; the stand-in plans and runs fast.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI_BIN, FAKE_CLAUDE, Scope, git, makeRepo, pairWith, runCli, startAgent, waitFor, type AgentProc } from '../harness.js';
import { CLAUDE_BIN } from '../mock-api/run-claude.js';
import { claudeEnv, startMockApi, type MockApi, type RoutedScenario } from '../mock-api/server.js';
import { parseGoal } from '../../shared/goal/index.js';
import { PtyProcess } from '../../agent/pty-process.js';
import { planSchema } from '../../main/driver/plan-graph.js';

const scope = new Scope();
const apis: MockApi[] = [];
after(async () => {
  await Promise.all(apis.map((a) => a.close()));
  await scope.cleanup();
});

const PLAN = {
  tasks: [
    { id: 'greet', title: 'Write greet.txt', prompt: 'Create greet.txt saying hello.', after: [] },
    { id: 'shout', title: 'Write shout.txt', prompt: 'Create shout.txt saying HELLO.', after: [] },
    { id: 'both', title: 'List both files', prompt: 'Write both.txt naming greet.txt and shout.txt.', after: ['greet', 'shout'] },
  ],
};
const CYCLE = {
  tasks: [
    { id: 'a', title: 'Do a', prompt: 'Do a.', after: ['b'] },
    { id: 'b', title: 'Do b', prompt: 'Do b.', after: ['a'] },
  ],
};
const GOAL = '---\nsession:\n  mode: headless\n---\n# Greetings\n\nAdd greeting files to the repository.\n';

interface Setup { tmp: string; repo: string; goal: string; driverDir: string; agent: AgentProc; agentDir: string }

/** A repo, a goal file, and one paired agent (the stand-in unless `claude` says otherwise). */
async function setup(goalText: string, claude?: { api: MockApi }): Promise<Setup> {
  const tmp = await scope.tmp('cc-plan-');
  const agentDir = join(tmp, 'agent');
  const real = claude ? ['--claude-bin', CLAUDE_BIN] : [];
  const agent = await startAgent(scope, {
    dataDir: agentDir,
    args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair', '--slots', '2', '--name', 'planner-box', ...real],
    ...(claude ? { env: { ...claudeEnv(claude.api, join(tmp, 'home')), PATH: process.env['PATH'] } } : {}),
  });
  const driverDir = join(tmp, 'driver');
  await pairWith(scope, agent, driverDir, agentDir);
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, goalText);
  return { tmp, repo, goal, driverDir, agent, agentDir };
}

const cli = (s: Setup, ...args: string[]) => runCli(['run', s.goal, '--repo', s.repo, '--agent', s.agent.addr, '--data-dir', s.driverDir, '--no-mdns', '--json', ...args]);

/** The (runId, taskId) of every task the agent started. */
function agentTasks(s: Setup): string[] {
  return [...new Set(s.agent.events.filter((e) => e['type'] === 'task').map((e) => `${String(e['runId'])}/${String(e['taskId'])}`))];
}

/** Plans go to the `plan` script; a task's conversation to the script named by its id. */
function routed(scripts: RoutedScenario['scripts']): RoutedScenario {
  return {
    route: (text) => /## Your task: ([\w-]+)/.exec(text)?.[1] ?? (text.includes('Plan the goal below') ? 'plan' : 'unknown'),
    scripts,
  };
}

async function mockApi(scenario: RoutedScenario): Promise<MockApi> {
  const api = await startMockApi(scenario);
  apis.push(api);
  return api;
}

test('real CLI: --plan-only writes the planned goal file; running that file runs the planned tasks', async () => {
  const write = (file: string, text: string) => ({ tools: [{ name: 'Write', input: { file_path: file, content: text } }] });
  const api = await mockApi(routed({
    // The planner tries to write (plan mode refuses), then answers through StructuredOutput.
    plan: [write('evil.txt', 'x'), { text: 'Here is the plan.', tools: [{ name: 'StructuredOutput', input: PLAN }] }],
    greet: [write('greet.txt', 'hello\n'), { text: 'Done.' }],
    shout: [write('shout.txt', 'HELLO\n'), { text: 'Done.' }],
    both: [write('both.txt', 'greet.txt shout.txt\n'), { text: 'Done.' }],
  }));
  const s = await setup(GOAL, { api });
  const planFile = join(s.tmp, 'planned.md');
  const r = await cli(s, '--plan-only', planFile);
  assert.equal(r.code, 0, r.stderr + r.stdout);

  // The file is a goal file with the planned graph, and the goal's own settings and text.
  const planned = parseGoal('planned.md', readFileSync(planFile, 'utf8'));
  assert.ok(planned.ok, JSON.stringify(planned));
  assert.equal(planned.goal.hasTaskList, true);
  assert.deepEqual(planned.goal.tasks.map((t) => [t.id, t.title, t.body, t.after]), PLAN.tasks.map((t) => [t.id, t.title, t.prompt, t.after]));
  assert.equal(planned.goal.context, 'Add greeting files to the repository.');
  assert.equal(planned.goal.session.mode, 'headless');
  const event = r.events.find((e) => e['type'] === 'plan');
  assert.deepEqual((event?.['tasks'] as Array<{ id: string }>).map((t) => t.id), ['greet', 'shout', 'both']);
  assert.ok(!r.events.some((e) => e['type'] === 'run-started'), 'nothing ran');

  // What the CLI sent: the schema as the StructuredOutput tool, the goal in the prompt, plan mode enforced.
  const turns = api.requests.filter((q) => q.kind === 'turn');
  assert.equal(turns.length, 2);
  const body = turns[1]!.body as { tools: Array<{ name: string; input_schema: unknown }>; messages: Array<{ content: unknown }> };
  assert.deepEqual(body.tools.find((t) => t.name === 'StructuredOutput')?.input_schema, planSchema());
  const sent = JSON.stringify(body.messages);
  assert.match(sent, /Add greeting files to the repository\./);
  assert.match(sent, /while in plan mode/, 'the Write was refused in plan mode');
  // The planning session changed nothing and nothing of it was fetched into the user's repo.
  assert.equal(agentTasks(s).length, 1);
  assert.equal(git(s.repo, 'for-each-ref', 'refs/claudecluster/'), '');
  await s.agent.waitEvent((e) => e['type'] === 'task' && e['taskId'] === 'plan' && e['state'] === 'exited');

  // Running the written file runs the planned graph (no planning this time), with the real CLI too.
  const run = await runCli(['run', planFile, '--repo', s.repo, '--agent', s.agent.addr, '--data-dir', s.driverDir, '--no-mdns', '--json']);
  assert.equal(run.code, 0, run.stderr + run.stdout.slice(-3000));
  assert.ok(!run.events.some((e) => String(e['type']).startsWith('plan')), 'a goal with tasks is not planned');
  const branch = (run.events.find((e) => e['type'] === 'run-finished')?.['summary'] as { branch: string }).branch;
  assert.equal(git(s.repo, 'show', `${branch}:greet.txt`), 'hello');
  assert.equal(git(s.repo, 'show', `${branch}:shout.txt`), 'HELLO');
  assert.equal(git(s.repo, 'show', `${branch}:both.txt`), 'greet.txt shout.txt');
  assert.ok(!existsSync(join(s.repo, 'evil.txt')));
  assert.doesNotMatch(git(s.repo, 'log', '--format=%s', branch), /^task plan:/m);
});

test('real CLI: a plan with a dependency cycle is refused (exit 2) and no task is dispatched', async () => {
  const api = await mockApi(routed({ plan: [{ tools: [{ name: 'StructuredOutput', input: CYCLE }] }] }));
  const s = await setup(GOAL, { api });
  const r = await cli(s, '--yes');
  assert.equal(r.code, 2, r.stderr + r.stdout);
  assert.match(r.stderr, /the planner returned an invalid task graph: dependency cycle: a → b → a/);
  assert.deepEqual(r.events.map((e) => e['type']).filter((t) => t !== 'agent-joined'), ['plan-started', 'plan-failed']);
  const planRun = agentTasks(s);
  assert.equal(planRun.length, 1, planRun.join(', '));
  assert.match(planRun[0]!, /-plan\/plan$/);
});

const STAND_IN_PLAN = {
  tasks: [
    { id: 'a', title: 'Add a.txt', prompt: '!write a.txt made by a', after: [] },
    { id: 'b', title: 'Add b.txt', prompt: '!write b.txt made by b', after: [] },
    { id: 'c', title: 'Combine', prompt: '!require a.txt\n!require b.txt\n!run cat a.txt b.txt > c.txt', after: ['a', 'b'] },
  ],
};
const standInGoal = (plan: object) => `# Three files\n\nMake three files.\n\n!structured ${JSON.stringify(plan)}\n`;

test('stand-in: --yes plans, shows the plan, and runs the planned tasks into one branch', async () => {
  const s = await setup(standInGoal(STAND_IN_PLAN));
  const r = await cli(s, '--yes');
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
  const types = r.events.map((e) => e['type']);
  assert.ok(types.indexOf('plan') < types.indexOf('run-started'), types.join(' '));
  const plan = r.events.find((e) => e['type'] === 'plan')!;
  assert.match(String(plan['goal']), /^## Tasks\n- a: Add a\.txt\n {2}!write a\.txt made by a$/m);
  const started = r.events.find((e) => e['type'] === 'run-started') as { tasks: Array<{ id: string; after: string[] }> };
  assert.deepEqual(started.tasks.map((t) => [t.id, t.after]), [['a', []], ['b', []], ['c', ['a', 'b']]]);
  const branch = (r.events.find((e) => e['type'] === 'run-finished')?.['summary'] as { branch: string }).branch;
  assert.equal(git(s.repo, 'show', `${branch}:c.txt`), 'made by amade by b');
  // The planning task ran on the agent under its own run id; the run's tasks under the run's.
  const runId = branch.slice('claudecluster/'.length);
  assert.deepEqual(agentTasks(s).sort(), [`${runId}-plan/plan`, `${runId}/a`, `${runId}/b`, `${runId}/c`]);
  // The plan is kept in the driver's data dir.
  assert.ok(existsSync(join(s.driverDir, 'plans', `${runId}.md`)));
});

test('stand-in: a plan naming an unknown dependency is refused before anything is dispatched', async () => {
  const s = await setup(standInGoal({ tasks: [{ id: 'a', title: 'A', prompt: '!write a.txt a', after: ['nope'] }] }));
  const r = await cli(s, '--yes');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the planner returned an invalid task graph: task "a" depends on "nope", which is not a task in this goal/);
  assert.equal(agentTasks(s).length, 1);
});

test('stand-in: no structured output is an invalid plan', async () => {
  const s = await setup('# Nothing\n\nThe planner answers nothing.\n');
  const r = await cli(s, '--yes');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the planner returned an invalid task graph: Claude Code gave no structured output/);
});

test('without a terminal, planning needs --yes or --plan-only (exit 2, nothing started)', async () => {
  const s = await setup(standInGoal(STAND_IN_PLAN));
  const r = await cli(s);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /has no task list, so it is planned first.*pass --yes to plan and run it, or --plan-only FILE/);
  assert.equal(r.events.length, 0);
  assert.equal(agentTasks(s).length, 0);
});

test('--plan-only refuses to write over a file, and a goal that already has tasks', async () => {
  const s = await setup(standInGoal(STAND_IN_PLAN));
  const taken = join(s.tmp, 'taken.md');
  await writeFile(taken, 'mine\n');
  const over = await cli(s, '--plan-only', taken);
  assert.equal(over.code, 2);
  assert.match(over.stderr, /--plan-only: .*taken\.md already exists/);
  assert.equal(readFileSync(taken, 'utf8'), 'mine\n');
  await writeFile(s.goal, '# T\n\n## Tasks\n- a: Do a\n');
  const tasks = await cli(s, '--plan-only', join(s.tmp, 'new.md'));
  assert.equal(tasks.code, 2);
  assert.match(tasks.stderr, /already has a task list, so there is nothing to plan/);
  assert.equal(agentTasks(s).length, 0);
});

/** Runs `claudecluster run GOAL` in a terminal, answers the question with `answer`, and returns what it showed. */
async function onTerminal(s: Setup, answer: string): Promise<{ screen: string; exitCode: number }> {
  let screen = '';
  const term = new PtyProcess({
    bin: process.execPath, args: [CLI_BIN, 'run', s.goal, '--repo', s.repo, '--agent', s.agent.addr, '--data-dir', s.driverDir, '--no-mdns'],
    cwd: s.tmp, env: { ...process.env, CLAUDECLUSTER_CLAUDE_BIN: FAKE_CLAUDE }, onOutput: (chunk) => { screen += chunk.toString('utf8'); },
  });
  try {
    await waitFor(() => screen.includes('Run these 3 tasks? [y/N]'), 'the question');
    term.write(`${answer}\r`);
    const { exitCode } = await term.exited;
    return { screen, exitCode };
  } finally {
    if (term.running) term.kill('SIGKILL');
  }
}

test('on a terminal the plan is shown and needs a yes; a no runs nothing and keeps the plan', async () => {
  const s = await setup(standInGoal(STAND_IN_PLAN));
  const { screen, exitCode } = await onTerminal(s, 'n');
  assert.equal(exitCode, 0);
  assert.match(screen, /- c: Combine/);
  const kept = /The plan is kept in (\S+\.md)/.exec(screen)?.[1];
  assert.ok(kept && existsSync(kept), screen);
  assert.deepEqual(agentTasks(s).filter((t) => !t.endsWith('/plan')), []);
});

test('on a terminal, a yes runs the plan', async () => {
  const s = await setup(standInGoal(STAND_IN_PLAN));
  const { screen, exitCode } = await onTerminal(s, 'y');
  assert.equal(exitCode, 0, screen);
  assert.match(screen, /Done: 3\/3 task\(s\) merged/);
});
