/**
 * The part of `claudecluster run` that needs the driver's node: agents joined (the local one,
 * already starting), the goal planned if it must be, run, integrated and reported. Loaded only
 * once the goal has checked out, while the local agent boots.
 */
import { resolve } from 'node:path';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { PrivateKey } from '@libp2p/interface';
import { EXIT } from '../../shared/node/cli-args.js';
import type { Goal } from '../../shared/goal/types.js';
import type { UserRepo } from '../driver/user-repo.js';
import { openDriver } from '../driver/driver-node.js';
import { AgentPool } from '../driver/pool.js';
import type { LocalAgent } from '../driver/local-agent.js';
import { Run } from '../driver/run.js';
import type { RunOutput } from '../driver/run-output.js';
import { newRunId, type RunRecord } from '../driver/run-records.js';
import type { ResumeState } from '../driver/run-resume.js';
import { finishRun, startRunRecord } from '../driver/after-run.js';
import { planStep } from './plan-step.js';
import type { PlanFlags } from './plan-flags.js';

/** With only mDNS to find agents, how long to look before starting. */
const DISCOVERY_WAIT_MS = 5_000;

/** A run whose goal, repository and flags have all checked out. */
export interface RunSession {
  dataDir: string;
  /** The driver's key, loaded before the local agent started (it trusts the PeerId). */
  privateKey: PrivateKey;
  repo: UserRepo;
  goal: Goal;
  goalPath: string;
  base: string;
  resumed?: { record: RunRecord; resume: ResumeState };
  /** `--local N`'s agent, started before this module loaded. */
  localAgent?: Promise<LocalAgent>;
  agents: readonly Multiaddr[];
  mdns: boolean;
  planFlags: PlanFlags;
  interactive: boolean;
  out: RunOutput;
  noReuse: boolean;
  pr: boolean;
  agentTimeoutS?: number;
}

export async function runSession(s: RunSession): Promise<number> {
  try {
    return await withDriver(s);
  } finally {
    // Also when the driver could not start: the local agent stops with this run, not at exit.
    await s.localAgent?.then((agent) => agent.stop(), () => undefined);
  }
}

async function withDriver(s: RunSession): Promise<number> {
  const { out, goal, repo, base, resumed } = s;
  const driver = await openDriver({ dataDir: s.dataDir, mdns: s.mdns, privateKey: s.privateKey });
  const pool = new AgentPool(driver.host, new Set((await driver.store.pinned()).map((a) => a.peerId)));
  pool.on('agent', (a) => out.agentJoined({ name: a.name, peerId: a.peerId.toString(), slots: a.info.slots }));
  pool.on('lost', (a, why) => out.agentLost({ name: a.name, peerId: a.peerId.toString(), reason: why.message }));
  pool.on('error', (msg) => out.warning(msg));
  try {
    if (s.localAgent) {
      const agent = await s.localAgent;
      pool.trust(agent.peerId);
      await pool.add(agent.addr);
    }
    for (const addr of s.agents) {
      await pool.add(addr).catch((err: Error) => out.warning(`agent ${addr.toString()}: ${err.message}`));
    }
    if (s.mdns) pool.discover();
    if (pool.agents.length === 0 && s.mdns) await waitForAgent(pool, DISCOVERY_WAIT_MS);
    if (pool.agents.length === 0) {
      out.warning('no agents: start one here with --local N, or pair one (claudecluster-agent pair on it, then claudecluster pair CODE --agent ADDR)');
      return EXIT.failed;
    }
    const runId = resumed?.record.id ?? newRunId();
    const planned = resumed || goal.hasTaskList ? undefined : await planStep({
      runId, goal, repo, base, pool, store: driver.store, flags: s.planFlags, interactive: s.interactive,
      ...(s.planFlags.json ? {} : { onOutput: (chunk: Uint8Array) => out.taskOutput('plan', chunk) }),
    });
    if (planned && !planned.run) return planned.exit;
    const toRun = planned ? { goal: planned.goal, path: planned.file } : { goal, path: resolve(s.goalPath) };
    const record = resumed?.record ?? await startRunRecord({ store: driver.store, runId, goal: toRun.goal, goalPath: toRun.path, repoRoot: repo.root, base });
    const run = new Run({
      runId, goal: toRun.goal, repo, base, runDir: driver.store.runDir(runId), pool, out, noReuse: s.noReuse,
      ...(s.agentTimeoutS ? { agentTimeoutMs: s.agentTimeoutS * 1000 } : {}), ...(goal.budgetUsd ? { budgetUsd: goal.budgetUsd } : {}),
      ...(resumed ? { resume: resumed.resume } : {}),
    });
    const stop = (): void => run.cancel('interrupted');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const summary = await run.execute();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    out.runFinished(summary, await finishRun(record, summary, { store: driver.store, goal: toRun.goal, pr: s.pr, warn: (m) => out.warning(m) }));
    return summary.ok ? EXIT.ok : EXIT.failed;
  } finally {
    pool.removeAllListeners('lost');
    await pool.close();
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
