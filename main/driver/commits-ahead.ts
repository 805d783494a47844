/**
 * Commits sent to agents ahead of the starts that will need them, off those starts' path: the
 * next ready tasks' start points, a fan-out's base, a head a join will start from. Each send
 * is a guess; one that fails costs nothing but time, as a start sends whatever is still missing.
 */
import type { AgentClient } from './agent-client.js';
import type { RepoSync } from './sync.js';
import type { StartPoints } from './start-points.js';
import type { RunTask } from './run-task.js';

/** Ready tasks waiting for a slot whose start commits go to every agent ahead (see `nextReady`): the next to start. */
const SEND_AHEAD_TASKS = 2;
/** Tasks after one that make it a fan-out: every agent gets its base while it works (see `fanOutBase`); one alone mostly starts where it ran. */
const FAN_OUT = 2;

export interface CommitsAheadDeps {
  tasks: readonly RunTask[];
  starts: StartPoints;
  sync: () => RepoSync;
  agents: () => readonly AgentClient[];
  byId: (id: string) => RunTask;
}

export class CommitsAhead {
  constructor(private readonly deps: CommitsAheadDeps) {}

  /**
   * A ready task no slot took starts on whichever agent frees one first: the commits it would
   * start from (a dependency's result, a branch head, the results merged in on an early start)
   * go now to every agent that lacks them. Only tasks with dependencies (the run's base is on
   * every agent already), and only the next few.
   */
  nextReady(placed: ReadonlySet<string>, now: number): void {
    const { tasks, starts } = this.deps;
    const merged = new Set(tasks.filter((t) => t.status === 'merged').map((t) => t.id));
    // An early start can go anywhere only once the result it starts from can be sent anywhere (`spread`).
    const next = tasks.filter((t) => t.status === 'waiting' && !placed.has(t.id) && t.after.length > 0 && (t.early ? t.spread : t.after.every((d) => merged.has(d))) && (t.notBefore ?? -Infinity) <= now);
    for (const t of next.slice(0, SEND_AHEAD_TASKS)) {
      const mergeIn = (t.early ? starts.earlyStart(t)?.mergeIn : undefined) ?? [];
      for (const agent of this.deps.agents()) {
        const id = agent.peerId.toString();
        for (const commit of [starts.baseFor(t, id), ...mergeIn]) {
          if (!this.deps.sync().knownTo(id).has(commit)) this.send(agent, commit);
        }
      }
    }
  }

  /**
   * Tasks that fan out from `rt` start from its result on whichever agents are free, each sent it
   * as its maker did (RepoSync.offer), which needs what it was built on there: `base`, and so all
   * before it, goes to every agent now, while `rt` works, not after its result is in.
   */
  fanOutBase(rt: RunTask, base: string, on: AgentClient): void {
    if (this.deps.tasks.filter((t) => t.after.includes(rt.id)).length < FAN_OUT) return;
    for (const agent of this.deps.agents()) if (agent !== on) this.send(agent, base);
  }

  /**
   * A task waiting on the one just merged and on one other still at work will start from the new
   * head (that one's result merged in) on the agent doing that work (see StartPoints): send the
   * head there now, while it works, rather than on the critical path of that start. Only there:
   * every sync costs both ends git processes, and the other agents may never need this head.
   * When that other task has not started yet, any agent may run it: all of them get the head.
   */
  joinHead(mergedId: string, head: string): void {
    const to = new Set<AgentClient>();
    for (const t of this.deps.tasks) {
      if (t.status !== 'waiting' || t.after.length < 2 || !t.after.includes(mergedId)) continue;
      const open = t.after.map((id) => this.deps.byId(id)).filter((d) => d.status !== 'merged');
      if (open.length !== 1) continue;
      const at = open[0]!.status === 'waiting' ? undefined : open[0]!.client;
      for (const agent of at ? [at] : this.deps.agents()) to.add(agent);
    }
    for (const agent of to) this.send(agent, head);
  }

  private send(agent: AgentClient, commit: string): void {
    void this.deps.sync().ensure(agent, commit).catch(() => undefined);
  }
}
