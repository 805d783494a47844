/**
 * Early starts across agents: a task waiting on one other's result starts from it on the agent
 * that made it when that agent can take it; once the driver has fetched that result, any agent
 * may, before the result has merged; and a result that came inline goes on at once to an agent
 * holding its base, before the driver has fetched it. A task after several starts once all of
 * them have reported, before any merged, with their results merged in on the agent; once all but
 * one have, it waits on the agent of that one and starts there from its result. A task
 * others fan out from has its base sent to every agent while it works, so its result can go on
 * at once to any of them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, runCli, startAgent } from '../harness.js';

const scope = new Scope();
after(() => scope.cleanup());

interface TaskOut { id: string; status: string; agent?: string; base?: string; commit?: string; attempts?: number }
interface StatusEvent { type: string; time: string; task: TaskOut; detail?: string }

/**
 * Runs `tasks` (goal lines) over agent x, with `xSlots`, and y, with `ySlots`, the only one that
 * lets a session bypass permissions: a task asking for that runs on y.
 */
interface XYRun {
  repo: string;
  branch: string;
  statuses: StatusEvent[];
  /** Task `id` as the run's summary has it. */
  task(id: string): TaskOut;
  /** Where the first `status` of task `id` (on `agent`, when given) is among the status events; -1 when there is none. */
  index(id: string, status: string, agent?: string): number;
}

async function runOnXY(tmp: string, xSlots: number, ySlots: number, tasks: string[]): Promise<XYRun> {
  const driverDir = join(tmp, 'driver');
  const agents = [];
  for (const [name, args] of [['x', ['--slots', String(xSlots)]], ['y', ['--slots', String(ySlots), '--allow-bypass']]] as const) {
    const dataDir = join(tmp, name);
    const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--name', name, ...args] });
    await pairWith(scope, agent, driverDir, dataDir);
    agents.push(agent);
  }
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# early\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, ['---', 'session:', '  mode: headless', '---', '# Early', '', '## Tasks', ...tasks, ''].join('\n'));
  const r = await runCli(['run', goal, '--repo', repo, '--data-dir', driverDir, '--no-mdns', '--json', ...agents.flatMap((a) => ['--agent', a.addr])], { wrap: ['timeout', '120'] });
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-3000)}`);
  const statuses = (r.events as unknown as StatusEvent[]).filter((e) => e.type === 'task-status');
  const { summary } = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: { branch: string; tasks: TaskOut[] } };
  return {
    repo, branch: summary.branch, statuses,
    task: (id) => summary.tasks.find((t) => t.id === id)!,
    index: (id, status, agent) => statuses.findIndex((e) => e.task.id === id && e.task.status === status && (agent === undefined || e.task.agent === agent)),
  };
}

/** `dependent` went to y, from `dep`'s result, before the driver had fetched that result. */
function sentOnBeforeFetched(r: XYRun, dep: string, dependent: string): void {
  const sent = r.index(dependent, 'dispatching', 'y');
  assert.ok(sent !== -1 && sent < r.index(dep, 'integrating'), `${dependent} went to y before ${dep}'s result was fetched here`);
  assert.equal(r.task(dependent).base, r.task(dep).commit, `${dependent} started from ${dep}'s result`);
}

/** `id` merged after every one of `deps`. */
function mergedAfter(r: XYRun, id: string, deps: readonly string[]): void {
  assert.ok(r.index(id, 'merged') > Math.max(...deps.map((d) => r.index(d, 'merged'))), `${id} merged after ${deps.join(' and ')}`);
}

/**
 * Runs a and b, which ask to bypass permissions (only y allows it), and c after both, on x (one
 * slot) and y (two). a ends at once with 2 MB of noise, which keeps the driver fetching it, then
 * `aEnds` (a goal step); b goes on only once c has reached y, waiting at most 10 s, then takes
 * `bSteps`. c requires `cNeeds` and writes c.txt.
 */
function runJoinWhileBWorks(tmp: string, aEnds: string, bSteps: readonly string[], cNeeds: readonly string[]): Promise<XYRun> {
  const cOnY = `ls ${join(tmp, 'y', 'tasks')} | grep -q '[.]c$'`;
  return runOnXY(tmp, 1, 2, [
    '- a: Left', '  permission_mode: bypassPermissions', '  !run head -c 2000000 /dev/urandom > a.bin', `  ${aEnds}`,
    '- b: Right', '  permission_mode: bypassPermissions', `  !run for i in $(seq 200); do ${cOnY} && exit 0; sleep 0.05; done; exit 1`, ...bSteps.map((step) => `  ${step}`),
    '- c: Join', '  after: a, b', ...cNeeds.map((f) => `  !require ${f}`), '  !write c.txt c',
  ]);
}

test('a task its dependency\'s agent will not run starts on another from the fetched result, before that result merges', async () => {
  const tmp = await scope.tmp();
  // x has the most free slots, so a goes there; b asks to bypass permissions, which only y allows.
  const r = await runOnXY(tmp, 2, 1, [
    '- a: First', '  !write a.txt a',
    '- b: Second', '  after: a', '  permission_mode: bypassPermissions', '  !require a.txt', '  !write b.txt b',
  ]);
  assert.equal(r.task('a').agent, 'x');
  assert.equal(r.task('b').agent, 'y', 'b ran where it is allowed');
  const sentToY = r.index('b', 'dispatching', 'y');
  assert.ok(sentToY !== -1 && sentToY < r.index('a', 'merged'), 'b went to y before a merged');
  assert.equal(r.task('b').base, r.task('a').commit, 'b started from a\'s result');
  assert.equal(git(r.repo, 'show', `${r.branch}:b.txt`), 'b');
});

test('a result that came inline goes at once to another agent holding its base: its dependent starts there before the driver fetched it', async () => {
  const tmp = await scope.tmp();
  const marks = await scope.tmp();
  // a goes to x, which has the most free slots; w and b ask to bypass permissions, which only y
  // allows. w brings the base to y and holds one of its slots until b has started; a reports
  // only once w is at work, so y holds the base then and has a slot free for b.
  const r = await runOnXY(tmp, 3, 2, [
    '- a: First', `  !wait-for ${join(marks, 'w-started')}`, '  !write a.txt a',
    '- w: Beside it', '  permission_mode: bypassPermissions', `  !run touch ${join(marks, 'w-started')}`, `  !wait-for ${join(marks, 'b-started')}`, '  !write w.txt w',
    '- b: After a', '  after: a', '  permission_mode: bypassPermissions', `  !run touch ${join(marks, 'b-started')}`, '  !require a.txt', '  !write b.txt b',
  ]);
  assert.equal(r.task('a').agent, 'x');
  assert.equal(r.task('b').agent, 'y');
  sentOnBeforeFetched(r, 'a', 'b');
  assert.equal(git(r.repo, 'show', `${r.branch}:b.txt`), 'b');
});

test('a task others fan out from has its base sent to every agent while it works: its result goes on at once to the one it did not run on', async () => {
  const tmp = await scope.tmp();
  // j runs on x, which has the most free slots. It builds on a commit past the run's base (a branch
  // head made here, or the result of p or q, with the other merged in on x); its result goes on
  // from x as a bundle of what it added to its base, which y must hold. j waits up to 10 s for y
  // to hold one of the commits it builds on past the run's base, and says in probe.txt whether it
  // did. f1 asks to bypass permissions, which only y allows.
  const yHas = `git --git-dir="$(echo ${join(tmp, 'y', 'repos')}/*.git)" cat-file -e "$c^{commit}" 2>/dev/null`;
  const probe = `root=$(git rev-list --max-parents=0 HEAD); for i in $(seq 200); do for c in $(git rev-list --first-parent HEAD ^$root); do ${yHas} && { echo held > probe.txt; exit 0; }; done; sleep 0.05; done; echo missing > probe.txt`;
  const r = await runOnXY(tmp, 3, 2, [
    '- j0: Start', '  !write j0.txt j0',
    '- p: Left', '  after: j0', '  !write p.txt p',
    '- q: Right', '  after: j0', '  !write q.txt q',
    '- j: Join', '  after: p, q', `  !run ${probe}`, '  !write j.txt j',
    '- f1: Fan out on y', '  after: j', '  permission_mode: bypassPermissions', '  !require j.txt', '  !write f1.txt f1',
    '- f2: Fan out on x', '  after: j', '  !require j.txt', '  !write f2.txt f2',
  ]);
  assert.equal(r.task('j').agent, 'x');
  assert.equal(r.task('f1').agent, 'y');
  sentOnBeforeFetched(r, 'j', 'f1');
  assert.equal(git(r.repo, 'show', `${r.branch}:probe.txt`), 'held', 'y held what j builds on while j worked');
  for (const file of ['f1.txt', 'f2.txt', 'p.txt', 'q.txt']) assert.ok(git(r.repo, 'show', `${r.branch}:${file}`));
});

test('a task after several starts from their reported results, merged in on the agent that made them, before any of them merged', async () => {
  const tmp = await scope.tmp();
  const marks = await scope.tmp();
  // a and b ask to bypass permissions, which only y allows; each waits for the other to be at work,
  // so both report at about the same time, and 20 MB of noise each keeps the driver fetching them.
  const noise = (name: string): string => `  !run head -c 20000000 /dev/urandom > ${name}.bin`;
  const r = await runOnXY(tmp, 1, 2, [
    '- a: Left', '  permission_mode: bypassPermissions', `  !run touch ${join(marks, 'a')}`, `  !wait-for ${join(marks, 'b')}`, noise('a'), '  !write a.txt a',
    '- b: Right', '  permission_mode: bypassPermissions', `  !run touch ${join(marks, 'b')}`, `  !wait-for ${join(marks, 'a')}`, noise('b'), '  !write b.txt b',
    '- c: Join', '  after: a, b', '  !require a.txt', '  !require b.txt', '  !write c.txt c',
  ]);
  assert.equal(r.task('c').agent, 'y', 'c ran where both results were made');
  const sent = r.index('c', 'dispatching');
  assert.ok(sent !== -1 && sent < r.index('a', 'merged') && sent < r.index('b', 'merged'), 'c went to y before a or b merged');
  mergedAfter(r, 'c', ['a', 'b']);
  const base = r.task('c').base!;
  for (const dep of ['a', 'b']) git(r.repo, 'merge-base', '--is-ancestor', r.task(dep).commit!, base);
  assert.match(git(r.repo, 'log', '-1', '--format=%s', base), /the result this task starts from$/, 'c started from a merge made on y');
  for (const file of ['a.txt', 'b.txt', 'c.txt']) assert.ok(git(r.repo, 'show', `${r.branch}:${file}`));
});

test('a task after several waits on the agent of the one still at work once the others reported: it starts there from that one\'s result with theirs merged in', async () => {
  const r = await runJoinWhileBWorks(await scope.tmp(), '!write a.txt a', ['!write b.txt b'], ['a.txt', 'b.txt']);
  assert.equal(r.task('c').agent, 'y', 'c ran where b was at work');
  const sent = r.index('c', 'dispatching');
  assert.ok(sent !== -1 && sent < r.index('a', 'merged') && sent < r.index('b', 'integrating'), 'c went to y before a merged and before b reported');
  mergedAfter(r, 'c', ['a', 'b']);
  const base = r.task('c').base!;
  assert.equal(git(r.repo, 'log', '-1', '--format=%P', base), `${r.task('b').commit} ${r.task('a').commit}`, 'c started from b\'s result with a\'s merged in');
  for (const file of ['a.txt', 'b.txt', 'c.txt']) assert.ok(git(r.repo, 'show', `${r.branch}:${file}`));
});

test('a chained join whose reported results do not merge as they were starts again once they have merged', async () => {
  // a and b write the same line: merging a's result into b's conflicts, on y (which stops c's
  // start there) or here (where a's result then gives way to a resolution, and c's start is
  // stopped with it), whichever comes first.
  const r = await runJoinWhileBWorks(await scope.tmp(), '!write notes.txt version A', ['!write notes.txt version B'], ['notes.txt']);
  const sent = r.statuses.flatMap((e, i) => (e.task.id === 'c' && e.task.status === 'dispatching' ? [i] : []));
  assert.ok(sent.length >= 2 && sent[0]! < r.index('a', 'merged'), `c went to y before a merged, and was started again (${sent.length} starts)`);
  const stopped = r.statuses.find((e) => e.task.id === 'c' && e.task.status === 'waiting')?.detail ?? '';
  assert.match(stopped, /does not merge cleanly into its base: conflicts in notes\.txt|did not merge as it was/);
  assert.equal(r.task('c').attempts, 1, 'a stopped start is not an attempt');
  mergedAfter(r, 'c', ['a', 'b']);
  const base = r.task('c').base!;
  for (const dep of ['a', 'b']) git(r.repo, 'merge-base', '--is-ancestor', r.task(dep).commit!, base);
  assert.equal(git(r.repo, 'show', `${r.branch}:c.txt`), 'c');
  assert.match(git(r.repo, 'show', `${r.branch}:notes.txt`), /^version [AB]$/);
});

test('a chained join whose dependency fails is let go, and chained again after that dependency\'s retry', async () => {
  const tmp = await scope.tmp();
  const mark = join(tmp, 'b-ran-once');
  // b fails the first time (ok.txt only on a second run), a second after c reached y.
  const r = await runJoinWhileBWorks(tmp, '!write a.txt a', [`!run [ -e ${mark} ] && touch ok.txt; touch ${mark}`, '!sleep 1000', '!require ok.txt', '!write b.txt b'], ['a.txt', 'b.txt']);
  const letGo = r.statuses.filter((e) => e.task.id === 'c' && /b, which it was to start after, ended without a commit to start from/.test(e.detail ?? ''));
  assert.equal(letGo.length, 1, 'c was let go once, when b failed');
  const times = (id: string, status: string): number[] => r.statuses.filter((e) => e.task.id === id && e.task.status === status).map((e) => Date.parse(e.time));
  const [, again] = times('c', 'dispatching');
  const [, retried] = times('b', 'dispatching');
  assert.ok(again !== undefined && retried !== undefined && again - retried < 500, 'c went to y again while b\'s retry was at work, not once it reported');
  assert.equal(r.task('c').attempts, 1, 'a let-go start is not an attempt');
  mergedAfter(r, 'c', ['a', 'b']);
  for (const file of ['a.txt', 'b.txt', 'c.txt']) assert.ok(git(r.repo, 'show', `${r.branch}:${file}`));
});
