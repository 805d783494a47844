/**
 * Which waiting task goes to which agent next. Pure: tasks in goal order whose dependencies
 * are all merged go to the agent with the most free slots (spreading work across machines).
 */

export interface SchedTask {
  id: string;
  after: readonly string[];
  status: string;
}

export interface SchedAgent {
  id: string;
  slots: number;
  inFlight: number;
}

export interface Assignment {
  taskId: string;
  agentId: string;
}

/** Tasks that can never run because a dependency failed or was blocked. */
export function blockedTasks(tasks: readonly SchedTask[]): string[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const dead = new Set(tasks.filter((t) => t.status === 'failed' || t.status === 'blocked').map((t) => t.id));
  const out: string[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const t of tasks) {
      if (t.status !== 'waiting' || dead.has(t.id)) continue;
      if (t.after.some((d) => dead.has(d) || !byId.has(d))) {
        dead.add(t.id);
        out.push(t.id);
        changed = true;
      }
    }
  }
  return out;
}

/** Assignments for as many ready tasks as there are free slots. */
export function assign(tasks: readonly SchedTask[], agents: readonly SchedAgent[]): Assignment[] {
  const merged = new Set(tasks.filter((t) => t.status === 'merged').map((t) => t.id));
  const free = agents.map((a) => ({ id: a.id, free: a.slots - a.inFlight })).filter((a) => a.free > 0);
  const out: Assignment[] = [];
  for (const t of tasks) {
    if (t.status !== 'waiting' || !t.after.every((d) => merged.has(d))) continue;
    free.sort((a, b) => b.free - a.free);
    const agent = free[0];
    if (!agent || agent.free <= 0) break;
    agent.free--;
    out.push({ taskId: t.id, agentId: agent.id });
  }
  return out;
}
