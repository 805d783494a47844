/**
 * Runs one task on one agent: sync its base, start it, stream its terminal, wait for its
 * result, and bring the result's commits into the user's repo under refs/claudecluster/.
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { TaskResult, TaskSpec, TaskStateEvent } from '../../shared/protocol/control.js';
import type { AgentClient } from './agent-client.js';
import type { RepoSync } from './sync.js';
import type { UserRepo } from './user-repo.js';
import { attachTerm } from './term-client.js';
import { getBlob } from './blob-client.js';

export interface TaskRunnerDeps {
  repo: UserRepo;
  sync: RepoSync;
  workDir: string;
  onState(event: TaskStateEvent): void;
  onOutput(chunk: Uint8Array): void;
}

export interface TaskOutcome {
  result: TaskResult;
  /** The ref holding the task's commit in the user's repo; undefined when it changed nothing. */
  ref?: string;
}

export async function runTaskOn(agent: AgentClient, spec: TaskSpec, deps: TaskRunnerDeps): Promise<TaskOutcome> {
  await deps.sync.ensure(agent, spec.base);
  const mine = (e: { runId: string; taskId: string }): boolean => e.runId === spec.runId && e.taskId === spec.taskId;

  let unsubscribe: Array<() => void> = [];
  const result = new Promise<TaskResult>((resolve, reject) => {
    unsubscribe = [
      agent.rpc.on('task.state', (e) => { if (mine(e)) deps.onState(e); }),
      agent.rpc.on('task.result', (r) => { if (mine(r)) resolve(r); }),
      agent.onClose((why) => reject(new Error(`lost agent ${agent.name}: ${why.message}`))),
    ];
  });
  try {
    await agent.rpc.request('task.start', spec);
    const term = await attachTerm(agent, spec, 0, deps.onOutput);
    const final = await result;
    // The terminal stream ends right after the result; let it deliver its last bytes first.
    await term.done.catch(() => undefined);
    if (final.commit) deps.sync.learn(agent, final.commit);
    if (!final.ok || !final.commit || !final.bundle) return { result: final };
    const file = join(deps.workDir, `result-${spec.taskId}.bundle`);
    try {
      await getBlob(agent, final.bundle.sha256, file);
      const ref = deps.repo.resultRef(spec.runId, spec.taskId);
      await deps.repo.fetchResult(file, final.commit, ref);
      return { result: final, ref };
    } finally {
      await rm(file, { force: true });
    }
  } finally {
    for (const u of unsubscribe) u();
  }
}
