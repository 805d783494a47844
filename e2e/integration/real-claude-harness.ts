/**
 * Runs goals through real agents with the real Claude Code CLI (the pinned devDependency) against
 * the scripted mock Messages API: nothing leaves 127.0.0.1 and no real credentials are used.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { startMockApi, claudeEnv, type MockApi, type Scenario } from '../mock-api/server.js';
import { CLAUDE_BIN } from '../mock-api/run-claude.js';
import { Scope, makeRepo, startAgent, type AgentProc } from '../harness.js';
import { openDriver, type DriverNode } from '../../main/driver/driver-node.js';
import { AgentPool } from '../../main/driver/pool.js';
import { UserRepo } from '../../main/driver/user-repo.js';
import { Run } from '../../main/driver/run.js';
import { JsonOutput } from '../../main/cli/json-output.js';
import { loadGoal } from '../../main/cli/load-goal.js';
import type { RunSummary } from '../../main/driver/run-output.js';

export interface RealSetup {
  api: MockApi;
  home: string;
  repo: string;
  agent: AgentProc;
  agentDir: string;
  driver: DriverNode;
  /** Every NDJSON event the run printed. */
  events: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A mock API playing `scenario`, a repo, one agent running the real CLI, and a driver trusted by it. */
export async function realSetup(scope: Scope, scenario: Scenario, env: NodeJS.ProcessEnv = {}): Promise<RealSetup> {
  const tmp = await scope.tmp('cc-real-');
  const api = await startMockApi(scenario);
  const home = join(tmp, 'home');
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# sample\n' });
  const driver = await openDriver({ dataDir: join(tmp, 'driver'), mdns: false });
  const agentDir = join(tmp, 'agent');
  // The agent's own environment is what Claude Code gets: the mock's URL and a dummy key, a fresh HOME.
  // No ~/.claude.json is prepared here: answering the dialogs ahead is the agent's job.
  const agent = await startAgent(scope, {
    dataDir: agentDir,
    args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--slots', '1', '--name', 'real', '--claude-bin', CLAUDE_BIN, '--trust', driver.host.peerId.toString()],
    env: { ...claudeEnv(api, home), ...env, PATH: process.env['PATH'] },
  });
  const events: Array<Record<string, unknown>> = [];
  return {
    api, home, repo, agent, agentDir, driver, events,
    close: async () => { await driver.stop(); await api.close(); },
  };
}

/** Starts a run of `goalText` on the setup's agent; `run` can be driven (input, close) while it goes. */
export async function startRun(s: RealSetup, goalText: string, opts: { stayOpen?: boolean } = {}): Promise<{ run: Run; pool: AgentPool; done: Promise<RunSummary> }> {
  const goalFile = join(s.repo, '..', `goal-${Date.now()}.md`);
  await writeFile(goalFile, goalText);
  const repo = await UserRepo.open(s.repo);
  const { goal, base } = await loadGoal(goalFile, repo);
  const pool = new AgentPool(s.driver.host, new Set([s.agent.peerId]));
  await pool.add(multiaddr(s.agent.addr));
  const out = new JsonOutput((line) => { s.events.push(JSON.parse(line) as Record<string, unknown>); });
  const runId = `r${Date.now().toString(36)}`;
  const run = new Run({ runId, goal, repo, base, runDir: join(s.repo, '..', 'runs', runId), pool, out, ...(opts.stayOpen ? { stayOpen: true } : {}) });
  const done = run.execute().finally(() => pool.close());
  return { run, pool, done };
}

/** Status events of a task, in order. */
export function statuses(s: RealSetup, taskId: string): Array<{ status: string; detail?: string; time: string; costUsd?: number }> {
  return s.events
    .filter((e) => e['type'] === 'task-status' && (e['task'] as { id: string }).id === taskId)
    .map((e) => ({ ...(e['task'] as { status: string; costUsd?: number }), time: String(e['time']), ...(e['detail'] ? { detail: String(e['detail']) } : {}) }));
}
