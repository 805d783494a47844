/**
 * The driver sends prompts and options, never its environment: a secret in the driver's
 * environment reaches neither the agent's disk nor the session, while the agent's own variables
 * do reach the session. The agent's audit log records who ran what.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, runCli, startAgent } from '../harness.js';
import { agentCmd } from '../raw-peer.js';

const scope = new Scope();
after(() => scope.cleanup());

const DRIVER_SECRET = 'CC_TEST_DRIVER_SECRET';
const SECRET_VALUE = 'driver-only-7f3a9c1e5b';
const AGENT_VAR = 'CC_TEST_AGENT_OWN';
const AGENT_VALUE = 'agent-own-2d8e4f6a0c';

/** Every file under `dir`, recursively. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('a secret in the driver\'s environment never reaches the session; the agent\'s own environment does', async () => {
  const tmp = await scope.tmp();
  const dataDir = join(tmp, 'agent');
  const driverDir = join(tmp, 'driver');
  const agent = await startAgent(scope, { dataDir, env: { [AGENT_VAR]: AGENT_VALUE } });
  assert.equal(process.env[DRIVER_SECRET], undefined, 'the test itself must not hand the secret to the agent');
  await pairWith(scope, agent, driverDir, dataDir);
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': 'x\n' });
  const goal = join(tmp, 'goal.md');
  await writeFile(goal, [
    '# Environment', '', '## Tasks', '- env: Record the environment',
    `  !touch-env ${DRIVER_SECRET} driver-secret.txt`, `  !touch-env ${AGENT_VAR} agent-own.txt`, '  !run env > session-env.txt', '',
  ].join('\n'));

  const r = await runCli(['run', goal, '--repo', repo, '--agent', agent.addr, '--data-dir', driverDir, '--no-mdns', '--json'], { env: { [DRIVER_SECRET]: SECRET_VALUE } });
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-2000));
  const branch = (r.events.find((e) => e['type'] === 'run-finished') as { summary: { branch: string } }).summary.branch;

  assert.equal(git(repo, 'show', `${branch}:agent-own.txt`), AGENT_VALUE);
  assert.equal(git(repo, 'show', `${branch}:driver-secret.txt`), '');
  const sessionEnv = git(repo, 'show', `${branch}:session-env.txt`);
  assert.match(sessionEnv, new RegExp(`^${AGENT_VAR}=${AGENT_VALUE}$`, 'm'));
  assert.doesNotMatch(sessionEnv, new RegExp(SECRET_VALUE));
  // Nor was it shipped at all: nothing the agent keeps (task records, logs, caches) holds it.
  for (const file of await files(dataDir)) {
    const bytes = await readFile(file).catch(() => Buffer.alloc(0)); // sockets and the like read as nothing
    assert.equal(bytes.includes(SECRET_VALUE), false, `${file} holds the driver's secret`);
  }

  // The audit log says which driver did it: paired, started the task (with its title), got the result.
  const audit = (await agentCmd(scope, ['audit', '--data-dir', dataDir, '--json'])).events;
  const driver = audit.find((e) => e['action'] === 'pair');
  assert.ok(driver, JSON.stringify(audit));
  const mine = audit.filter((e) => e['peerId'] === driver['peerId']);
  const start = mine.find((e) => e['action'] === 'task.start');
  assert.deepEqual([start?.['taskId'], start?.['title'], start?.['name']], ['env', 'Record the environment', driver['name']]);
  const result = mine.find((e) => e['action'] === 'task.result');
  assert.equal(result?.['ok'], true);
  assert.match(String(result?.['commit']), /^[0-9a-f]{40}$/);
  const human = await agentCmd(scope, ['audit', '--data-dir', dataDir]);
  assert.match(human.stdout, /started [^ ]+\/env "Record the environment"/);
});
