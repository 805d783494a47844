/**
 * The driver killed with SIGKILL mid-run, then `run --resume`: a task that was running is
 * re-attached with its whole terminal (the bytes match the agent's log), a task that finished
 * while no driver was there is collected, nothing that had finished runs again, and nothing
 * merges twice.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, spawnCli, startAgent, type AgentProc } from '../harness.js';
import type { Event } from '../ndjson-process.js';
import { killHard } from './faults.js';

const scope = new Scope();
after(() => scope.cleanup());

interface TaskOut { id: string; status: string; agent?: string; attempts?: number }

const status = (id: string, s: string) => (e: Event): boolean => {
  const task = e['task'] as TaskOut | undefined;
  return e['type'] === 'task-status' && task?.id === id && task.status === s;
};

test('kill -9 of the driver mid-run, then --resume: running tasks re-attached byte for byte, finished ones collected, nothing run or merged twice', async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# crash\n' });
  const driverDir = join(tmp, 'driver');
  const agents: Record<string, { proc: AgentProc; dir: string }> = {};
  for (const name of ['alpha', 'beta']) {
    const dir = join(tmp, name);
    const proc = await startAgent(scope, { dataDir: dir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--name', name, '--slots', '2'] });
    await pairWith(scope, proc, driverDir, dir);
    agents[name] = { proc, dir };
  }
  const go = { running: join(tmp, 'go-running'), finishing: join(tmp, 'go-finishing') };
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '# Crash', '', '## Tasks',
    '- a: Done before the crash', '  !write a.txt a',
    '- run: Running across the crash', '  !say first half of the output', `  !wait-for ${go.running}`, '  !say second half, after the resume', '  !write run.txt run',
    '- fin: Finishing while no driver is there', `  !wait-for ${go.finishing}`, '  !write fin.txt fin',
    '- after: After a', '  after: a', '  !write after.txt after',
  ].join('\n') + '\n');
  const agentArgs = Object.values(agents).flatMap((a) => ['--agent', a.proc.addr]);
  const first = spawnCli(scope, ['run', goal, '--repo', repo, '--data-dir', driverDir, '--no-mdns', '--json', ...agentArgs]);
  const runId = String((await first.waitEvent((e) => e['type'] === 'run-started'))['runId']);
  await first.waitEvent(status('a', 'merged'));
  await first.waitEvent(status('after', 'merged'));
  const running = await first.waitEvent(status('run', 'running'));
  await first.waitEvent(status('fin', 'running'));
  await first.waitEvent((e) => e['type'] === 'task-output' && e['taskId'] === 'run' && String(e['data']).includes('first half'));
  await killHard(first.proc);

  // While no driver is there, one task finishes on its agent.
  await writeFile(go.finishing, '');
  const finAgent = await Promise.race(Object.values(agents).map((a) => a.proc.waitEvent((e) => e['type'] === 'task' && e['taskId'] === 'fin' && e['state'] === 'done').then(() => a)));

  const resumed = spawnCli(scope, ['run', '--resume', runId, '--data-dir', driverDir, '--no-mdns', '--json', ...agentArgs]);
  await resumed.waitEvent((e) => status('run', 'running')(e) && /re-attach/.test(String(e['detail'] ?? '')));
  await writeFile(go.running, '');
  assert.equal(await resumed.exited, 0, resumed.stderr());

  const finished = resumed.events.find((e) => e['type'] === 'run-finished')!['summary'] as { ok: boolean; branch: string; tasks: TaskOut[] };
  assert.ok(finished.ok);
  const { branch } = finished;
  for (const f of ['a', 'run', 'fin', 'after']) {
    assert.equal(git(repo, 'show', `${branch}:${f}.txt`), f);
    assert.equal(git(repo, 'log', '--format=%H', branch, '--', `${f}.txt`).split('\n').filter(Boolean).length, 1, `${f} merged once`);
  }
  // Nothing that had finished ran again: one attempt each, sent once.
  const journal = (await readFile(join(driverDir, 'runs', runId, 'journal.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; taskId?: string });
  for (const id of ['a', 'run', 'fin', 'after']) {
    assert.equal(journal.filter((e) => e.type === 'dispatched' && e.taskId === id).length, 1, `${id} dispatched once`);
    assert.equal(journal.filter((e) => e.type === 'merged' && e.taskId === id).length, 1, `${id} merged once`);
  }
  assert.ok(resumed.events.some(status('a', 'merged')) && !resumed.events.some(status('a', 'dispatching')), 'a was not run again');
  assert.ok(finAgent, 'fin finished on its agent while the driver was down');

  // The running task's terminal: what the driver holds is the agent's log, byte for byte, up to its result.
  const runAgent = agents[String((running['task'] as TaskOut).agent)]!;
  const agentLog = await readFile(join(runAgent.dir, 'tasks', `${runId}.run`, 'term.log'));
  const driverLog = await readFile(join(driverDir, 'runs', runId, 'terms', 'run.log'));
  const record = JSON.parse(await readFile(join(runAgent.dir, 'tasks', `${runId}.run`, 'task.json'), 'utf8')) as { results: Array<{ logBytes: number }> };
  const atResult = record.results[0]!.logBytes;
  assert.ok(driverLog.byteLength >= atResult, `driver has ${driverLog.byteLength} of the ${atResult} bytes logged by the result`);
  assert.ok(driverLog.equals(agentLog.subarray(0, driverLog.byteLength)), 'the driver\'s copy is the agent\'s log, byte for byte');
  assert.ok(driverLog.toString('utf8').includes('first half') && driverLog.toString('utf8').includes('second half'));
  console.log(`fault: kill -9 driver, --resume | terminal ${driverLog.byteLength} bytes, identical to the agent's | re-run 0 | merged twice 0 | tasks lost 0`);
});
