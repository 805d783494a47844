/**
 * What an agent runs for a driver yields the CPU: the Claude Code session and the goal's setup
 * and verify run at the agent's `--nice`, each in a scheduling group (a Linux autogroup) raised
 * the same, while the agent keeps its own priority and group. `niced` keeps the program's pid and
 * exit code, and raises every group even where the kernel takes one change per 100 ms.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { AGENT_BIN, Scope, git, makeRepo, pairWith, runCli, startAgent, waitFor } from '../harness.js';
import { MAX_NICENESS, niced } from '../../shared/node/niceness.js';

const scope = new Scope();
after(() => scope.cleanup());

const NO_AUTOGROUPS = !existsSync('/proc/self/autogroup') && 'this kernel has no autogroups (no /proc/self/autogroup)';
/** The unprivileged user the rate-limit test runs as. */
const NOBODY = 65534;
const NOT_ROOT_WITH_SETPRIV = process.getuid?.() !== 0 ? 'running as another user needs root'
  : spawnSync('setpriv', ['--version']).error ? 'no setpriv (util-linux) to run as another user' : false;

/** A process's niceness: field 19 of /proc/PID/stat, counted after the name (which may hold spaces). */
function niceness(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** The niceness of a process's autogroup, from "/autogroup-N nice K". */
function groupNiceness(autogroup: string): number {
  const m = /nice (-?\d+)/.exec(autogroup);
  assert.ok(m, `not an autogroup line: ${autogroup}`);
  return Number(m[1]);
}

const niceOf = async (pid: number): Promise<number> => niceness(await readFile(`/proc/${pid}/stat`, 'utf8'));
/** A process's /proc/PID/autogroup: empty for a process in the root group (init's session, as under some CI runners). */
const groupOf = async (pid: number): Promise<string> => readFile(`/proc/${pid}/autogroup`, 'utf8');
const groupNiceOf = async (pid: number): Promise<number> => groupNiceness(await groupOf(pid));

/** `sleep 30` at `level`, in a session of its own (as node-pty's terminals and the agent's commands are). */
function nicedSleep(level: number, asUser?: number): ChildProcess {
  const { bin, args } = niced(level, 'sleep', ['30']);
  const [cmd, ...argv] = asUser === undefined ? [bin, ...args] : ['setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', bin, ...args];
  return scope.track(spawn(cmd!, argv, { detached: true, stdio: 'ignore', cwd: '/' }));
}

async function exited(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => p.once('exit', (code) => resolve(code)));
}

test('niced: 0 runs the program as it is; a niceness outside 0..19 is refused', () => {
  assert.deepEqual(niced(0, 'claude', ['-p', 'x']), { bin: 'claude', args: ['-p', 'x'] });
  for (const bad of [-1, MAX_NICENESS + 1, 2.5, Number.NaN]) assert.throws(() => niced(bad, 'claude', []), RangeError);
});

test('a niced program keeps its pid and exit code, runs at the niceness, and only its own session\'s group is raised', { skip: NO_AUTOGROUPS }, async () => {
  const ownNice = getPriority();
  const ownGroup = await groupOf(process.pid);
  const p = nicedSleep(7);
  const pid = p.pid!;
  await waitFor(async () => (await readFile(`/proc/${pid}/comm`, 'utf8')).trim() === 'sleep', 'the niced program to run under its own pid');
  assert.equal(await niceOf(pid), Math.min(MAX_NICENESS, ownNice + 7));
  await waitFor(async () => (await groupNiceOf(pid)) === 7, 'its session\'s autogroup to be raised to 7');
  assert.equal(getPriority(), ownNice);
  assert.equal(await groupOf(process.pid), ownGroup);
  p.kill('SIGTERM');
  await exited(p);

  const { bin, args } = niced(5, 'sh', ['-c', 'exit 3']);
  assert.equal(await exited(scope.track(spawn(bin, args, { detached: true, stdio: 'ignore' }))), 3);
});

test('as a user the kernel lets change one autogroup per 100 ms, every group started together is raised', { skip: NO_AUTOGROUPS || NOT_ROOT_WITH_SETPRIV }, async () => {
  const procs = Array.from({ length: 4 }, () => nicedSleep(6, NOBODY));
  for (const p of procs) {
    await waitFor(async () => (await readFile(`/proc/${p.pid}/comm`, 'utf8').catch(() => '')).trim() === 'sleep', 'the program to run as nobody');
    await waitFor(async () => (await groupNiceOf(p.pid!)) === 6, `the autogroup of ${p.pid} to be raised to 6`);
    assert.equal((await readFile(`/proc/${p.pid}/status`, 'utf8')).match(/^Uid:\s+(\d+)/m)?.[1], String(NOBODY));
  }
  for (const p of procs) p.kill('SIGKILL');
});

test('an agent runs the session, the setup and the verify at its --nice, in raised groups, and keeps its own priority', { skip: NO_AUTOGROUPS }, async () => {
  const tmp = await scope.tmp();
  const dataDir = join(tmp, 'agent');
  const driverDir = join(tmp, 'driver');
  const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--nice', '6'] });
  await pairWith(scope, agent, driverDir, dataDir);
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  // Each writes a process's /proc/PID/stat and autogroup into the worktree, which the result
  // commits: the setup's and verify's own shells; the session's Claude Code, the parent of the
  // command it runs (which Claude Code starts in a session of its own, as its Bash tool does).
  const record = (name: string, pid = '$$'): string => `cat /proc/${pid}/stat > ${name}.stat; cat /proc/${pid}/autogroup > ${name}.group`;
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '---', `setup: ${JSON.stringify(record('setup'))}`, `verify: ${JSON.stringify(record('verify'))}`, 'session:', '  mode: headless', '---',
    '# Niceness', '', '## Tasks', '- n: Record the priority', `  !run ${record('session', '$PPID')}; cat /proc/$$/stat > command.stat`, '',
  ].join('\n'));

  const r = await runCli(['run', goal, '--repo', repo, '--agent', agent.addr, '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  const branch = (r.events.find((e) => e['type'] === 'run-finished') as { summary: { branch: string } }).summary.branch;
  const agentNice = await niceOf(agent.proc.pid!);
  for (const name of ['setup', 'session', 'verify']) {
    assert.equal(niceness(git(repo, 'show', `${branch}:${name}.stat`)), Math.min(MAX_NICENESS, agentNice + 6), `${name}'s niceness`);
    assert.equal(groupNiceness(git(repo, 'show', `${branch}:${name}.group`)), 6, `${name}'s autogroup`);
  }
  assert.equal(niceness(git(repo, 'show', `${branch}:command.stat`)), Math.min(MAX_NICENESS, agentNice + 6), 'the niceness of a command the session ran');
  assert.equal(agentNice, getPriority(), 'the agent keeps the priority it was started with');
  assert.equal(await groupOf(agent.proc.pid!), await groupOf(process.pid), 'the agent\'s group is not raised');
});

test('an agent refuses a --nice outside 0..19 and says why', async () => {
  const tmp = await scope.tmp();
  for (const bad of ['20', '-1', 'low']) {
    const r = spawnSync(process.execPath, [AGENT_BIN, '--data-dir', join(tmp, 'agent'), '--no-mdns', `--nice=${bad}`], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`--nice must be a whole number from 0 to ${MAX_NICENESS}, not "${bad}"`));
  }
});
