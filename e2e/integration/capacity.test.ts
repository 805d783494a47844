/**
 * An agent short of memory runs fewer sessions than its slots: with room for one session, three
 * tasks sent to a three-slot agent run one at a time, the waiting ones saying why, and all finish.
 * The memory reading is overridden (AVAILABLE_MEMORY_ENV) so the test does not have to use it up.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, makeRepo, pairWith, runCli, startAgent } from '../harness.js';
import { AVAILABLE_MEMORY_ENV, SESSION_MEMORY_BYTES } from '../../agent/capacity.js';

const scope = new Scope();
after(() => scope.cleanup());

const SLOTS = 3;
/** Task states after which a task no longer holds a slot. */
const SLOT_FREED = new Set(['done', 'failed', 'cancelled', 'exited']);

test('with memory for one session, a three-slot agent runs its tasks one at a time and says why', { timeout: 120_000 }, async () => {
  const tmp = await scope.tmp();
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# capacity\n' });
  const driverDir = join(tmp, 'driver');
  const dataDir = join(tmp, 'agent');
  const env = { [AVAILABLE_MEMORY_ENV]: String(SESSION_MEMORY_BYTES + SESSION_MEMORY_BYTES / 2) };
  const agent = await startAgent(scope, { dataDir, env, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--slots', String(SLOTS), '--name', 'short'] });
  await pairWith(scope, agent, driverDir, dataDir);
  // Each task lasts a little, so tasks given slots together would overlap.
  const goal = join(tmp, 'goal.md');
  const ids = ['a', 'b', 'c'];
  await writeFile(goal, ['# Capacity', '', '## Tasks', ...ids.flatMap((id) => [`- ${id}: Write ${id}`, '  !sleep 300', `  !write ${id}.txt ${id}`]), ''].join('\n'));
  const r = await runCli(['run', goal, '--repo', repo, '--agent', agent.addr, '--data-dir', driverDir, '--no-mdns', '--json']);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-2000)}`);

  // From the agent's own event stream: sessions holding a slot at once.
  const holding = new Set<string>();
  let most = 0;
  for (const e of agent.events.filter((x) => x['type'] === 'task')) {
    const key = String(e['taskId']);
    if (e['state'] === 'starting') holding.add(key);
    if (SLOT_FREED.has(String(e['state']))) holding.delete(key);
    most = Math.max(most, holding.size);
  }
  const held = agent.events.filter((e) => e['type'] === 'task' && e['state'] === 'queued' && /^memory is short \(.* available, 512\.0 MiB per session\): 1 of 3 slots in use$/.test(String(e['detail'])));
  console.log(`memory for one session, ${SLOTS} slots: at most ${most} session(s) at once; ${held.length} held-back report(s): ${String(held[0]?.['detail'])}`);
  assert.equal(most, 1);
  assert.ok(held.length >= 1, 'a task held back said why');
  const started = new Set(agent.events.filter((e) => e['type'] === 'task' && e['state'] === 'starting').map((e) => String(e['taskId'])));
  assert.equal(started.size, ids.length, 'every task ran');
});
