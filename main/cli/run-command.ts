/**
 * `claudecluster run GOAL`: flags, repository and goal checked here, before anything starts; the
 * run itself is run-session.ts, loaded (with libp2p and the scheduler) while the local agent boots.
 */
import { resolve } from 'node:path';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { InputError, UsageError, parseFlags, positiveInt } from '../../shared/node/cli-args.js';
import { loadOrCreateKey } from '../../shared/node/identity.js';
import { shortId } from '../../shared/short-id.js';
import { UserRepo, RepoInputError } from '../driver/user-repo.js';
import { startLocalAgent } from '../driver/local-agent.js';
import type { RunOutput } from '../driver/run-output.js';
import { DriverStore } from '../driver/store.js';
import { HumanOutput } from './human-output.js';
import { JsonOutput } from './json-output.js';
import { loadGoal } from './load-goal.js';
import { driverDataDir } from './common.js';
import { checkPlanFlags } from './plan-flags.js';

/** Most local slots one `--local` agent may get. */
const MAX_LOCAL_SLOTS = 64;
/** Longest `--agent-timeout`: a day. */
const MAX_AGENT_TIMEOUT_S = 24 * 3600;

export const FLAGS = {
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
  const resumed = resumeId === undefined ? undefined : await (await import('./resume-step.js')).loadResume(new DriverStore(dataDir), resumeId);
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

  // The driver's key, loaded once: the local agent is told its PeerId to trust, and the session's node uses it.
  const store = new DriverStore(dataDir);
  await store.init();
  const privateKey = await loadOrCreateKey(store.key);
  // Started now, as the goal checked out: it boots while this process loads the driver's own code.
  const localAgent = local === undefined ? undefined : startLocalAgent({
    dataDir: resolve(store.localAgentDir), driverPeerId: peerIdFromPrivateKey(privateKey).toString(), slots: local, name: 'local',
  });
  // Its failure is reported where the session awaits it; until then it must not count as unhandled.
  localAgent?.catch(() => undefined);
  const { runSession } = await import('./run-session.js');
  return runSession({
    dataDir, privateKey, repo, goal, goalPath, base, agents: explicit, mdns: !values['no-mdns'], planFlags, interactive, out,
    noReuse: !!values['no-reuse'], pr: !!values.pr,
    ...(resumed ? { resumed } : {}), ...(localAgent ? { localAgent } : {}), ...(agentTimeoutS ? { agentTimeoutS } : {}),
  });
}
