/**
 * The dashboard end to end in Chromium: `claudecluster ui` with its local agent (two slots) and
 * a second agent paired from the Agents view, both running the scripted `claude` stand-in. A
 * goal file dropped on the page runs across both agents; the panes show each session live; what
 * is typed into a pane reaches its session; a task asking for permission is highlighted and
 * answered from its pane; the task detail shows the diff; the run ends merged on its branch.
 * Screenshots of the main views go to test-results/screenshots/.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { ROOT, Scope, git, makeRepo, startAgent, waitFor, type AgentProc } from '../harness.js';
import { chromiumMissing, launchChromium } from './browser.js';
import { DashboardPage } from './dashboard-page.js';
import { startUi, type UiProcess } from './ui-process.js';

const missing = chromiumMissing();
const RUN_MS = 120_000;
const TEST_MS = 300_000;
/** What the stand-in's Notification hook says when the "permission prompt" shows. */
const PERMISSION_MESSAGE = 'Claude needs your permission to use Bash';
const RELAY = join(ROOT, 'dist', 'agent', 'hooks', 'relay.js');

const scope = new Scope();
let browser: Browser | undefined;
let ui: UiProcess;
let spare: AgentProc;
let spareCode = '';
let repo = '';
let tmp = '';

before(async () => {
  if (missing) return;
  tmp = await scope.tmp('cc-ui-flow-');
  repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n' });
  ui = await startUi(scope, { dataDir: join(tmp, 'driver'), repo, local: 2 });
  spare = await startAgent(scope, { dataDir: join(tmp, 'spare'), args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--pair', '--name', 'spare', '--slots', '1'] });
  spareCode = String((await spare.waitEvent((e) => e['type'] === 'pairing'))['code']);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await scope.cleanup();
});

/**
 * Four tasks. `hello` changes README.md; `ask` waits (its session takes typing meanwhile);
 * `perm` fires the Notification hook Claude Code fires for a permission prompt — through the
 * agent's hook relay, with its session's secret, as a hook command would — then waits; `summary`
 * runs after `hello` and `ask` on the run branch.
 */
function goal(): string {
  const notify = `printf '%s' '{"notification_type":"permission_prompt","message":"${PERMISSION_MESSAGE}"}' | '${process.execPath}' '${RELAY}' Notification`;
  return [
    '# Cluster smoke', '', 'Four tasks on two agents, for the dashboard test.', '', '## Tasks',
    '- hello: Say hello', '  !say hello from the cluster', '  !write README.md # sample\\n\\nHello from the cluster.\\n',
    '- ask: Wait for the user', '  !say ask is waiting for you', `  !wait-for ${join(tmp, 'release-ask')}`, '  !write ask.txt answered',
    '- perm: Ask for permission', `  !run ${notify}`, '  !say perm is asking for permission', `  !wait-for ${join(tmp, 'release-perm')}`, '  !write perm.txt allowed',
    '- summary: Sum up', '  after: hello, ask', '  !run cp ask.txt summary.txt',
    '',
  ].join('\n');
}

test('a dropped goal runs on two agents: live panes, typing, a task needing input, the diff, the merged branch', { skip: missing, timeout: TEST_MS }, async () => {
  const dash = await DashboardPage.open(browser!, ui.url);
  try {
    // Agents: the local one, and the spare one paired here with its one-time code.
    await dash.pairAgent(spare.addr, spareCode);
    await dash.agentRow(spare.peerId).and(dash.page.locator('[data-health="ready"][data-paired="true"]')).waitFor();
    await dash.page.locator('[data-testid="agent-row"][data-health="ready"]').nth(1).waitFor();
    assert.equal(await dash.page.getByTestId('agent-row').count(), 2);
    await dash.screenshot('agents');

    // A goal file dropped on the window is checked, reviewed, and started.
    await dash.show('run');
    await dash.dropGoal('cluster-smoke.md', goal());
    await dash.goalReview().and(dash.page.locator('[data-phase="review"]')).waitFor();
    assert.deepEqual(await dash.page.locator('[data-testid="goal-tasks"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-task-id'))), ['hello', 'ask', 'perm', 'summary']);
    // Without estimates the critical path counts tasks; of two as long, the first in the goal.
    assert.equal(await dash.page.getByTestId('goal-critical-path').textContent(), 'Critical path: hello → summary (2 tasks)');
    assert.deepEqual(await dash.page.locator('[data-testid="task-node"][data-critical="true"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-task-id'))), ['hello', 'summary']);
    await dash.screenshot('goal-review');
    await dash.startRun();
    const runId = await dash.runId();
    assert.match(runId, /^\d{8}-\d{6}-[0-9a-f]+$/);

    // The permission prompt: the node and the pane are marked, the top bar offers to jump there.
    await dash.waitForStatus('perm', 'needs-input');
    await dash.waitForStatus('ask', 'running');
    await dash.waitForStatus('hello', 'merged');
    await dash.screenshot('run-graph');
    await dash.show('terminals');
    const permPane = dash.pane('perm');
    await dash.page.locator('[data-testid="terminal-pane"][data-task-id="perm"][data-needs-input="true"]').waitFor();
    assert.match((await permPane.getAttribute('class')) ?? '', /pane-needs-input/);
    assert.equal(await dash.pane('ask').getAttribute('data-needs-input'), 'false');

    // Each pane shows its own session's output.
    await dash.waitForPaneText('hello', 'hello from the cluster');
    await dash.waitForPaneText('ask', 'ask is waiting for you');
    await dash.waitForPaneText('perm', 'perm is asking for permission');
    assert.ok(!(await dash.paneText('ask'))!.includes('perm is asking'), 'a pane shows only its own task');

    // Typing into a pane reaches its session, which echoes it.
    await dash.typeIntoPane('ask', 'typed-in-the-pane');
    await dash.waitForPaneText('ask', 'typed-in-the-pane');
    assert.ok(!(await dash.paneText('perm'))!.includes('typed-in-the-pane'));
    await dash.screenshot('terminals');

    // A hidden page lets go of its feeds (the app holds no task's stream for it), and takes them up again when shown.
    await dash.setHidden(true);
    await dash.typeIntoPane('ask', 'typed-while-hidden');
    await waitFor(async () => (await dash.fullLog('ask')).includes('typed-while-hidden'), 'the session to echo what was typed while hidden');
    assert.ok(!(await dash.paneText('ask'))!.includes('typed-while-hidden'), 'a hidden page is fed nothing');
    await dash.setHidden(false);
    await dash.waitForPaneText('ask', 'typed-while-hidden');
    assert.ok((await dash.paneText('ask'))!.includes('ask is waiting for you'), 'shown again, the pane starts from the recent output');

    // The top bar's jump focuses the waiting pane; answering there sets the task running again.
    await dash.page.getByTestId('jump-to-input').click();
    await dash.page.waitForFunction(() => document.activeElement?.closest('[data-testid="terminal-pane"]')?.getAttribute('data-task-id') === 'perm');
    await dash.page.keyboard.type('y');
    await dash.page.locator('[data-testid="terminal-pane"][data-task-id="perm"][data-needs-input="false"][data-status="running"]').waitFor();
    await dash.waitForPaneText('perm', 'y');

    // Both sessions go on; the run ends with every task merged.
    await writeFile(join(tmp, 'release-ask'), 'go');
    await writeFile(join(tmp, 'release-perm'), 'go');
    await dash.show('run');
    await dash.page.locator('[data-testid="run-status"][data-status="ok"]').waitFor({ timeout: RUN_MS });
    for (const id of ['hello', 'ask', 'perm', 'summary']) assert.equal(await dash.node(id).getAttribute('data-status'), 'merged', `task ${id}`);
    const agents = await dash.page.locator('[data-testid="task-row"]').evaluateAll((rows) => rows.map((r) => r.children[2]?.textContent ?? ''));
    assert.ok(agents.includes('spare') && agents.some((a) => a !== 'spare' && a !== '—'), `tasks ran on both agents: ${agents.join(', ')}`);

    // What was typed went through the session: its whole log, kept by the agent, has it too.
    await dash.show('terminals');
    await dash.pane('ask').getByTestId('pane-log').click();
    await waitFor(async () => (await dash.page.getByTestId('log-text').textContent())?.includes('typed-in-the-pane') === true, 'the full log to show the typed text');
    await dash.page.getByTestId('log-dialog').getByRole('button', { name: 'Close' }).click();
    await dash.page.getByTestId('log-dialog').waitFor({ state: 'detached' });
    await dash.show('run');

    // The task detail shows hello's change to README.md.
    const detail = await dash.openTaskDetail('hello');
    const diff = detail.getByTestId('diff-view');
    await diff.locator('[data-testid="diff-file"][data-path="README.md"]').waitFor();
    await waitFor(async () => (await diff.textContent())?.includes('Hello from the cluster.') === true, 'the diff to show the added line');
    await dash.screenshot('task-detail');
    await detail.getByTestId('diff-mode-split').click();
    await diff.and(dash.page.locator('[data-mode="split"]')).waitFor();
    await dash.screenshot('task-detail-split');

    // The branch exists in the repository, with every task's work; the user's checkout is untouched.
    await waitFor(() => ui.events.some((e) => e['type'] === 'run-finished' && e['runId'] === runId), 'the ui to report the finished run');
    const finished = ui.events.find((e) => e['type'] === 'run-finished' && e['runId'] === runId)!;
    assert.equal(finished['status'], 'ok');
    const branch = String(finished['branch']);
    assert.equal(git(repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).length, 40);
    assert.equal(git(repo, 'show', `${branch}:README.md`), '# sample\n\nHello from the cluster.');
    assert.equal(git(repo, 'show', `${branch}:ask.txt`), 'answered');
    assert.equal(git(repo, 'show', `${branch}:perm.txt`), 'allowed');
    assert.equal(git(repo, 'show', `${branch}:summary.txt`), 'answered');
    assert.equal(git(repo, 'status', '--porcelain'), '');
    assert.equal(git(repo, 'branch', '--show-current'), 'main');

    // Its pull request: this repository has no remote, so the page says so and gives the commands to finish by hand.
    await dash.show('run');
    await dash.page.getByTestId('open-pull-request').click();
    const pr = dash.page.locator('[data-testid="pull-request"][data-status="not-pushed"]');
    await pr.waitFor();
    assert.match((await pr.textContent()) ?? '', /no remote to push to/);
    assert.match((await dash.page.getByTestId('pull-request-commands').textContent()) ?? '', /^git remote add origin URL$/m);
    await dash.screenshot('pull-request');

    // History lists the run; the other views render.
    await dash.show('history');
    await dash.page.locator(`[data-testid="history-row"][data-run-id="${runId}"]`).waitFor();
    assert.match((await dash.page.locator(`[data-testid="history-row"][data-run-id="${runId}"]`).textContent()) ?? '', /ok/);
    await dash.screenshot('history');
    await dash.show('settings');
    await dash.screenshot('settings');

    // The dark theme, on the run and the terminals.
    await dash.setTheme('dark');
    await dash.show('run');
    await dash.screenshot('dark-run');
    await dash.show('terminals');
    await dash.screenshot('dark-terminals');

    assert.deepEqual(dash.problems.unexpected(), [], 'the page logged no errors');
  } finally {
    await dash.close();
  }
});

test('a goal without tasks is planned on an agent: the planner\'s terminal shows meanwhile, then its tasks are reviewed', { skip: missing, timeout: TEST_MS }, async () => {
  const dash = await DashboardPage.open(browser!, ui.url);
  try {
    await dash.show('run');
    const plan = { tasks: [
      { id: 'one', title: 'First file', prompt: 'Create one.txt.', after: [], minutes: 5 },
      { id: 'two', title: 'Second file', prompt: 'Create two.txt.', after: ['one'], minutes: 2 },
    ] };
    const release = join(tmp, 'release-plan');
    await dash.dropGoal('plan-me.md', `# Plan me\n\nMake two files.\n\n!say reading the repository to plan\n!wait-for ${release}\n!structured ${JSON.stringify(plan)}\n`);
    const pane = dash.page.getByTestId('plan-terminal');
    await pane.waitFor();
    const planId = await pane.getAttribute('data-plan-id');
    assert.match(planId ?? '', /-plan$/);
    await dash.waitForPaneText(`${planId}/plan`, 'reading the repository to plan');
    await dash.screenshot('planning');
    await writeFile(release, 'go');
    await dash.goalReview().and(dash.page.locator('[data-phase="review"]')).waitFor({ timeout: RUN_MS });
    assert.deepEqual(await dash.page.locator('[data-testid="goal-tasks"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-task-id'))), ['one', 'two']);
    // The planner's estimates show per task, and weigh the critical path.
    assert.deepEqual(await dash.page.locator('[data-testid="goal-tasks"] tbody tr td:last-child').allTextContents(), ['5m 00s', '2m 00s']);
    assert.equal(await dash.page.getByTestId('goal-critical-path').textContent(), 'Critical path: one → two (2 tasks, about 7m 00s) · work in all about 7m 00s');
    await pane.waitFor({ state: 'detached' });
    assert.deepEqual(dash.problems.unexpected(), [], 'the page logged no errors');
  } finally {
    await dash.close();
  }
});
