/** `claudecluster run GOAL`: plan (read) the graph, start agents, run, integrate, report. */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { EXIT, InputError, UsageError, parseFlags, positiveInt } from '../../shared/node/cli-args.js';
import { UserRepo, RepoInputError } from '../driver/user-repo.js';
import { openDriver } from '../driver/driver-node.js';
import { AgentPool } from '../driver/pool.js';
import { startLocalAgent, type LocalAgent } from '../driver/local-agent.js';
import { Run } from '../driver/run.js';
import type { RunOutput } from '../driver/run-output.js';
import { HumanOutput } from './human-output.js';
import { JsonOutput } from './json-output.js';
import { loadGoal } from './load-goal.js';
import { driverDataDir } from './common.js';
import { finishRun, startRunRecord } from '../driver/after-run.js';
import { checkPlanFlags, planStep } from './plan-step.js';
import { loadResume } from './resume-step.js';
import { DriverStore } from '../driver/store.js';
import { shortId } from '../../shared/short-id.js';

export const RUN_USAGE = 'claudecluster run (GOAL | --resume RUN) [--repo DIR] [--agent MULTIADDR]... [--local N] [--yes] [--json] [--data-dir DIR] [--no-mdns] [--pr] [--plan-only FILE] [--no-reuse] [--agent-timeout SECONDS]';

/** Most local slots one `--local` agent may get. */
const MAX_LOCAL_SLOTS = 64;
/** With only mDNS to find agents, how long to look before starting. */
const DISCOVERY_WAIT_MS = 5_000;
/** Longest `--agent-timeout`: a day. */
const MAX_AGENT_TIMEOUT_S = 24 * 3600;

const FLAGS = {
  repo: { type: 'string' },
  agent: { type: 'string', multiple: true },
  local: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  'no-mdns': { type: 'boolean' },
  pr: { type: 'boolean' },
  'plan-only': { type: 'string' },
  'no-reuse': { type: 'boolean' },
  'agent-timeout': { type: 'string' },
  resume: { type: 'string' },
} as const;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  const resumeId = values.resume;
  if (resumeId !== undefined && positionals.length > 0) throw new UsageError(`--resume takes up a run as it was: give no goal file ("${positionals[0]}")`);
  if (resumeId === undefined && positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'run needs a goal file' : `unexpected argument "${positionals[1]}"`);
  const dataDir = driverDataDir(values['data-dir']);
  const resumed = resumeId === undefined ? undefined : await loadResume(new DriverStore(dataDir), resumeId);
  const local = positiveInt('--local', values.local, MAX_LOCAL_SLOTS);
  const agentTimeoutS = positiveInt('--agent-timeout', values['agent-timeout'], MAX_AGENT_TIMEOUT_S);
  const explicit: Multiaddr[] = (values.agent ?? []).map((a) => {
    try {
      return multiaddr(a);
    } catch {
      throw new UsageError(`--agent "${a}" is not a multiaddr (e.g. /ip4/192.168.1.20/tcp/47470/p2p/12D3Koo...)`);
    }
  });
  let repo: UserRepo;
  try {
    repo = await UserRepo.open(resumed?.record.repo ?? values.repo ?? process.cwd());
  } catch (err) {
    if (err instanceof RepoInputError) throw new InputError(err.message);
    throw err;
  }
  const goalPath = resumed?.record.goalFile ?? positionals[0]!;
  // The goal's base and its foreach globs are resolved in the repo; a resumed run keeps its own.
  const { goal, base } = resumed ? resumed.resume : await loadGoal(goalPath, repo);
  // A goal without a task list is planned first; whether the plan may run is settled before anything starts.
  const planFlags = { yes: !!values.yes, planOnly: values['plan-only'], json: !!values.json };
  const interactive = process.stdin.isTTY === true;
  await checkPlanFlags(goal, goalPath, planFlags, interactive);
  const out: RunOutput = values.json ? new JsonOutput() : new HumanOutput();
  if (await repo.hasUncommittedChanges()) {
    out.warning(`${repo.root} has uncommitted changes; they are not included (tasks start from ${goal.base ?? 'HEAD'} at ${shortId(base)})`);
  }

  const mdns = !values['no-mdns'];
  const driver = await openDriver({ dataDir, mdns });
  const locals: LocalAgent[] = [];
  const pool = new AgentPool(driver.host, new Set((await driver.store.pinned()).map((a) => a.peerId)));
  pool.on('agent', (a) => out.agentJoined({ name: a.name, peerId: a.peerId.toString(), slots: a.info.slots }));
  pool.on('lost', (a, why) => out.agentLost({ name: a.name, peerId: a.peerId.toString(), reason: why.message }));
  pool.on('error', (msg) => out.warning(msg));
  try {
    if (local) {
      const agent = await startLocalAgent({ dataDir: resolve(driver.store.localAgentDir), driverPeerId: driver.host.peerId.toString(), slots: local, name: 'local' });
      locals.push(agent);
      pool.trust(agent.peerId);
      await pool.add(agent.addr);
    }
    for (const addr of explicit) {
      await pool.add(addr).catch((err: Error) => out.warning(`agent ${addr.toString()}: ${err.message}`));
    }
    if (mdns) pool.discover();
    if (pool.agents.length === 0 && mdns) await waitForAgent(pool, DISCOVERY_WAIT_MS);
    if (pool.agents.length === 0) {
      out.warning('no agents: start one here with --local N, or pair one (claudecluster-agent pair on it, then claudecluster pair CODE --agent ADDR)');
      return EXIT.failed;
    }
    const runId = resumeId ?? newRunId();
    const planned = resumed || goal.hasTaskList ? undefined : await planStep({
      runId, goal, repo, base, pool, store: driver.store, flags: planFlags, interactive,
      ...(values.json ? {} : { onOutput: (chunk: Uint8Array) => out.taskOutput('plan', chunk) }),
    });
    if (planned && !planned.run) return planned.exit;
    const toRun = planned ? { goal: planned.goal, path: planned.file } : { goal, path: resolve(goalPath) };
    const record = resumed?.record ?? await startRunRecord({ store: driver.store, runId, goal: toRun.goal, goalPath: toRun.path, repoRoot: repo.root, base });
    const run = new Run({
      runId, goal: toRun.goal, repo, base, runDir: driver.store.runDir(runId), pool, out, noReuse: !!values['no-reuse'],
      ...(agentTimeoutS ? { agentTimeoutMs: agentTimeoutS * 1000 } : {}), ...(goal.budgetUsd ? { budgetUsd: goal.budgetUsd } : {}),
      ...(resumed ? { resume: resumed.resume } : {}),
    });
    const stop = (): void => run.cancel('interrupted');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const summary = await run.execute();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    out.runFinished(summary, await finishRun(record, summary, { store: driver.store, goal: toRun.goal, pr: !!values.pr, warn: (m) => out.warning(m) }));
    return summary.ok ? EXIT.ok : EXIT.failed;
  } finally {
    pool.removeAllListeners('lost');
    await pool.close();
    await Promise.allSettled(locals.map((l) => l.stop()));
    await driver.stop();
  }
}

function waitForAgent(pool: AgentPool, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { clearTimeout(t); pool.off('agent', done); resolve(); };
    const t = setTimeout(done, ms);
    pool.on('agent', done);
  });
}

/** `20261122-143005-a1b2`: sortable, unique enough, valid in branch and file names. */
export function newRunId(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const date = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}
