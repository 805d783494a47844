/**
 * The app's runs: starting one from a checked goal (`run.start`), planning a goal without a task
 * list (`goal.plan`), and finding a run and its tasks, live or read back from the data dir.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Goal } from '../../shared/goal/types.js';
import type { BridgeResult, PullRequestResult } from '../../shared/bridge/contract.js';
import type { RunListItem, RunView, TaskView } from '../../shared/bridge/views.js';
import type { Settings } from '../../shared/bridge/settings.js';
import { RPC_ERROR, RpcError } from '../../shared/protocol/jsonrpc.js';
import type { AgentPool } from '../driver/pool.js';
import type { DriverStore } from '../driver/store.js';
import { planGoal } from '../driver/planner.js';
import { openPullRequest } from '../driver/pull-request.js';
import { RunRecords, newRunId } from '../driver/run-records.js';
import { checkGoal, goalProblems, type GoalText } from './goal-check.js';
import { LiveRun } from './live-run.js';
import { MAX_NOTICE_CHARS, type Emit } from './app-run-output.js';
import { GOAL_FILE, pastRunView, pastRuns, readDetails, type TaskExtras } from './run-files.js';
import { interruptedRuns, readResumable, reopenEnded, takeOver } from '../driver/resume-run.js';
import { UserRepo } from '../driver/user-repo.js';
import { PLAN_TERM_TASK_ID } from '../../shared/bridge/constants.js';
import { TaskTermOutput } from './term-feed.js';
import { shortId } from '../../shared/short-id.js';

/** Runs that have ended stay in memory (terminals attachable, views at hand) up to this many; older ones are read from disk. */
export const MAX_ENDED_RUNS_KEPT = 20;

const NO_REPO = 'no repository is set: start with --repo DIR or choose one in the settings';
const NO_AGENT = 'no agent is ready to run tasks: wait for the local agent to start, give it slots in the settings, or pair an agent';

export interface RunBookDeps {
  store: DriverStore;
  pool: AgentPool;
  emit: Emit;
  /** The repository runs start in, or null when none is set. */
  repoDir(): string | null;
  /** Session options a goal gets unless it says otherwise. */
  sessionDefaults(): Settings['session'];
  onTaskChanged(): void;
  /** A run has ended and saved everything. */
  onRunEnded(): void;
}

/** A task, with what its detail view needs besides the diff. */
export interface TaskFacts {
  task: TaskView;
  extras: TaskExtras | undefined;
  repoRoot: string;
}

export function notFound(message: string): RpcError {
  return new RpcError(RPC_ERROR.notFound, message, { name: 'NotFound' });
}

export class RunBook {
  private readonly runs = new Map<string, LiveRun>();
  private readonly planTerms = new Map<string, TaskTermOutput>();
  /** Ended runs being taken up again by `retry`. */
  private readonly reopening = new Set<string>();

  constructor(private readonly deps: RunBookDeps) {}

  /** The runs still going. */
  get open(): LiveRun[] {
    return [...this.runs.values()].filter((r) => r.open);
  }

  /** The terminal of a planning session still at work (`goal.planning` named it). */
  planTerm(planId: string, taskId: string): TaskTermOutput | undefined {
    return taskId === PLAN_TERM_TASK_ID ? this.planTerms.get(planId) : undefined;
  }

  /** A run started or ended in this app (still in memory). */
  live(runId: string): LiveRun | undefined {
    return this.runs.get(runId);
  }

  /** A run that is still going, or a NotFound error. */
  openRun(runId: string): LiveRun {
    const run = this.runs.get(runId);
    if (!run?.open) throw notFound(`run ${runId} is not open in this app`);
    return run;
  }

  async start(input: GoalText): Promise<BridgeResult<'run.start'>> {
    const checked = await checkGoal(input, this.deps.repoDir());
    if (!checked.ok) return { ok: false, problems: checked.check.problems };
    const problem = (message: string): BridgeResult<'run.start'> => ({ ok: false, problems: [{ line: 0, message }] });
    if (!checked.goal.hasTaskList) return problem(`${input.name} has no task list: plan it first, review the plan, then start it`);
    if (!checked.repo || !checked.base) return problem(NO_REPO);
    if (this.deps.pool.agents.length === 0) return problem(NO_AGENT);
    const runId = newRunId();
    if (await checked.repo.hasUncommittedChanges()) {
      const message = `${checked.repo.root} has uncommitted changes; they are not included (tasks start from ${checked.goal.base ?? 'HEAD'} at ${shortId(checked.base)})`;
      this.deps.emit('notice', { level: 'warning', message: message.slice(0, MAX_NOTICE_CHARS), runId });
    }
    const run = await LiveRun.start({
      store: this.deps.store, pool: this.deps.pool, runId, goalName: input.name, goalText: input.text,
      goal: withDefaults(checked.goal, this.deps.sessionDefaults()), repo: checked.repo, base: checked.base,
      emit: this.deps.emit, onTaskChanged: this.deps.onTaskChanged,
    });
    this.runs.set(runId, run);
    void run.done.then(() => this.ended());
    return { ok: true, runId };
  }

  /**
   * Takes up the app's runs that were cut short (the app crashed or was killed): each continues
   * from its journal, its tasks re-attached as their agents connect. Runs started by
   * `claudecluster run` (no goal file of the app's in their dir) are left to `run --resume`.
   */
  async resumeInterrupted(): Promise<void> {
    const { store, emit } = this.deps;
    const notice = (level: 'info' | 'warning', runId: string, message: string): void => emit('notice', { level, message: message.slice(0, MAX_NOTICE_CHARS), runId });
    for (const runId of await interruptedRuns(store)) {
      const goalText = await readFile(join(store.runDir(runId), GOAL_FILE), 'utf8').catch(() => undefined);
      if (goalText === undefined || this.runs.has(runId)) continue;
      const found = await readResumable(store, runId);
      if (!found.ok) {
        notice('warning', runId, found.problem);
        continue;
      }
      const repo = await UserRepo.open(found.record.repo).catch((err: Error) => notice('warning', runId, `run ${runId} cannot be resumed: ${err.message}`));
      if (!repo) continue;
      const { goal, base } = found.resume;
      const run = LiveRun.resume({
        store, pool: this.deps.pool, runId, goalName: goal.file, goalText, goal, repo, base, emit,
        onTaskChanged: this.deps.onTaskChanged, resume: found.resume,
      }, await takeOver(store, found.record));
      this.runs.set(runId, run);
      void run.done.then(() => this.ended());
      notice('info', runId, `run ${runId} was cut short when the app stopped: it continues where it was`);
    }
  }

  /**
   * `task.retry`: runs a failed or blocked task again. In an open run it simply goes back to the
   * scheduler; a run that has ended is taken up again from its journal (see `reopenEnded`) and runs
   * until its tasks settle once more. False when the task cannot be run again; a run that cannot
   * be taken up again says why.
   */
  async retry(runId: string, taskId: string): Promise<boolean> {
    const live = this.runs.get(runId);
    if (live && !live.task(taskId)) throw notFound(`run ${runId} has no task ${taskId}`);
    if (live?.open) return live.retryTask(taskId);
    if (this.reopening.has(runId)) throw new RpcError(RPC_ERROR.failed, `run ${runId} is being taken up again already`, { name: 'NotRetryable' });
    this.reopening.add(runId);
    try {
      // Everything about its end saved first: its record, report and task details.
      await live?.done;
      const found = await reopenEnded(this.deps.store, runId, taskId);
      if (!found.ok) throw new RpcError(RPC_ERROR.failed, found.problem, { name: 'NotRetryable' });
      const repo = await UserRepo.open(found.record.repo);
      const { goal, base } = found.resume;
      const run = LiveRun.resume({
        store: this.deps.store, pool: this.deps.pool, runId, goalName: goal.file, goalText: '', goal, repo, base,
        emit: this.deps.emit, onTaskChanged: this.deps.onTaskChanged, resume: found.resume,
      }, found.record);
      this.runs.set(runId, run);
      void run.done.then(() => this.ended());
      return true;
    } finally {
      this.reopening.delete(runId);
    }
  }

  /** Plans a goal without a task list on an agent; a goal that has one is returned as checked. */
  async plan(input: GoalText): Promise<BridgeResult<'goal.plan'>> {
    const checked = await checkGoal(input, this.deps.repoDir());
    if (!checked.ok || checked.goal.hasTaskList) return checked.check;
    if (!checked.repo || !checked.base) return goalProblems(input.name, [{ line: 0, message: NO_REPO }]).check;
    const runId = newRunId();
    const plans = join(this.deps.store.root, 'plans');
    const workDir = join(plans, runId);
    const planId = `${runId}-plan`;
    // The planner's terminal, for a pane to watch while the plan is made.
    const term = new TaskTermOutput();
    this.planTerms.set(planId, term);
    this.deps.emit('goal.planning', { planId, name: input.name });
    const outcome = await planGoal({ runId: planId, goal: checked.goal, repo: checked.repo, base: checked.base, workDir, pool: this.deps.pool, onOutput: (chunk) => term.write(chunk) })
      .finally(() => {
        term.end();
        term.dispose();
        this.planTerms.delete(planId);
        return rm(workDir, { recursive: true, force: true });
      });
    if (!outcome.ok) return goalProblems(input.name, [{ line: 0, message: outcome.error }]).check;
    // Every plan is kept, as `claudecluster run` keeps it, in case the window goes away.
    await mkdir(plans, { recursive: true, mode: 0o700 });
    await writeFile(join(plans, `${runId}.md`), outcome.text);
    return (await checkGoal({ name: input.name, text: outcome.text }, this.deps.repoDir())).check;
  }

  /** `run.pullRequest`: pushes the branch of a run that merged every task and opens its pull request. */
  async pullRequest(runId: string): Promise<PullRequestResult> {
    const record = await new RunRecords(this.deps.store).read(runId);
    if (!record) throw notFound(`there is no run ${runId}`);
    if (record.status !== 'ok' || !record.report) {
      throw new RpcError(RPC_ERROR.failed, `run ${runId} ${record.status === 'running' ? 'has not finished' : 'did not merge every task'}: only a finished run that merged them all gets a pull request`, { name: 'NotFinished' });
    }
    return openPullRequest({ repoRoot: record.repo, branch: record.branch, title: record.goalTitle, bodyFile: record.report, ...(record.baseBranch ? { baseBranch: record.baseBranch } : {}) });
  }

  async get(runId: string): Promise<RunView> {
    const view = this.runs.get(runId)?.view() ?? await pastRunView(this.deps.store, runId);
    if (!view) throw notFound(`there is no run ${runId}`);
    return view;
  }

  /** Every run with a record, newest first; those of this app as they stand now. */
  async list(): Promise<RunListItem[]> {
    const mine = new Map([...this.runs.values()].map((r) => [r.runId, r.listItem()]));
    const rows = (await pastRuns(this.deps.store)).map((r) => mine.get(r.runId) ?? r);
    for (const [id, item] of mine) if (!rows.some((r) => r.runId === id)) rows.push(item);
    return rows.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.runId.localeCompare(a.runId));
  }

  /** A task as its detail view needs it, from a run in memory or one on disk. */
  async task(runId: string, taskId: string): Promise<TaskFacts> {
    const live = this.runs.get(runId);
    if (live) {
      const task = live.task(taskId);
      if (!task) throw notFound(`run ${runId} has no task ${taskId}`);
      return { task, extras: live.extras(taskId), repoRoot: live.repoRoot };
    }
    const records = new RunRecords(this.deps.store);
    const record = await records.read(runId).catch(() => undefined);
    if (!record) throw notFound(`there is no run ${runId}`);
    const details = await readDetails(records.dir(runId));
    const task = details?.tasks.find((t) => t.id === taskId);
    if (!task) throw notFound(`run ${runId} has no saved task ${taskId}`);
    return { task, extras: details?.extras[taskId], repoRoot: record.repo };
  }

  /** Tasks of open runs on the agent called `agentName` now. */
  onAgent(agentName: string): number {
    return this.open.reduce((n, r) => n + r.onAgent(agentName), 0);
  }

  /** The latest time any open run backs this agent off until. */
  backedOffUntil(peerId: string): number | undefined {
    const times = this.open.map((r) => r.backedOffUntil(peerId)).filter((t) => t !== undefined);
    return times.length > 0 ? Math.max(...times) : undefined;
  }

  /** Cancels every open run and waits (up to `ms`) for them to end. */
  async stopAll(ms: number): Promise<void> {
    const open = this.open;
    for (const r of open) r.cancel();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
    await Promise.race([Promise.all(open.map((r) => r.done)), timeout]);
    clearTimeout(timer);
  }

  private ended(): void {
    const ended = [...this.runs.values()].filter((r) => !r.open);
    for (const r of ended.slice(0, Math.max(0, ended.length - MAX_ENDED_RUNS_KEPT))) this.runs.delete(r.runId);
    this.deps.onRunEnded();
  }
}

/** The settings' session options under the goal's own. */
function withDefaults(goal: Goal, defaults: Settings['session']): Goal {
  return { ...goal, session: { ...defaults, ...goal.session } };
}
