/** What a run is given, and the defaults it falls back on where the goal says nothing. */
import type { Goal } from '../../shared/goal/types.js';
import type { AgentPool } from './pool.js';
import type { UserRepo } from './user-repo.js';
import type { RunOutput } from './run-output.js';
import type { ResumeState } from './run-resume.js';

/** With no agent connected and nothing running, how long to wait for one before giving up. */
export const NO_AGENT_GRACE_MS = 15_000;
/** Retries of a failed task unless the goal says otherwise (`retries`). */
export const DEFAULT_RETRIES = 2;
/** Follow-up turns a failing verify may trigger unless the goal says otherwise (`verify_retries`). */
export const DEFAULT_VERIFY_RETRIES = 2;

export interface RunOptions {
  runId: string;
  goal: Goal;
  repo: UserRepo;
  base: string;
  runDir: string;
  pool: AgentPool;
  out: RunOutput;
  /** Keep sessions open for follow-ups after every task has merged, until `close()`. */
  stayOpen?: boolean;
  /** Stop dispatching once the run has spent this much (US dollars). */
  budgetUsd?: number;
  /** Run every task even when an identical one was done before (default: reuse its result). */
  noReuse?: boolean;
  /** How long an agent may be unreachable before its tasks run elsewhere (default 15 s). */
  agentTimeoutMs?: number;
  /** Continue a run that stopped, from its journal (`run --resume`). */
  resume?: ResumeState;
}
