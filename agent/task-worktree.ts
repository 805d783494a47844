/**
 * A task's worktree, its git side: made ready before the session (checked out at the base, or at
 * the result of the task it is chained after; the results it starts from merged in, the commit it
 * resolves against merged with conflicts left in place, the goal's setup run), and turned into a
 * result after each turn (committed, bundled into the blob store, and read back when small enough
 * to travel inline).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult } from '../shared/protocol/control.js';
import { readInline } from '../shared/node/inline-bundle.js';
import { lastLines } from '../shared/lines.js';
import type { AgentPaths } from './paths.js';
import type { RepoCache } from './repo-cache.js';
import type { BlobStore } from './blob-store.js';
import { runStep } from './shell-step.js';
import type { Task } from './task.js';
import { shortId } from '../shared/short-id.js';

export interface WorktreeDeps {
  paths: AgentPaths;
  repos: RepoCache;
  blobs: BlobStore;
  /** The niceness of what runs for a driver: its sessions, and the goal's setup and verify (see niceness.ts). */
  niceness: number;
}

/** Readies `task`'s worktree. `task.worktree` is set as soon as it exists: a failure after that still releases it. */
export async function prepareWorktree(deps: WorktreeDeps, task: Task, env: NodeJS.ProcessEnv): Promise<string> {
  const { spec } = task;
  await mkdir(deps.paths.work, { recursive: true, mode: 0o700 });
  const from = task.chainFrom;
  const worktree = task.worktree = await deps.repos.acquireWorktree(spec.repoId, from?.checkout ? from.commit : spec.base, task.key);
  if (from) task.startedFrom = from.checkout ? from.commit : await deps.repos.mergeIn(worktree, [from.commit]);
  if (spec.mergeIn) task.startedFrom = await deps.repos.mergeIn(worktree, spec.mergeIn);
  if (spec.mergeFrom) {
    const conflicts = await deps.repos.startMerge(worktree, spec.mergeFrom);
    task.log.append(Buffer.from(`Merging ${shortId(spec.mergeFrom)}: ${conflicts.length ? `conflicts in ${conflicts.join(', ')}` : 'no conflicts'}\r\n`, 'utf8'));
  }
  if (spec.setup) {
    const setup = await runStep('setup', spec.setup, worktree, env, task.log, deps.niceness);
    if (!setup.ok) throw new Error(`the setup command failed (exit ${setup.exitCode ?? 'signal'}): ${lastLines(setup.tail)}`);
  }
  return worktree;
}

/** What a turn leaves: its commit (null when nothing changed), that commit's bundle, and the bundle's bytes when small. */
export interface TurnResult {
  commit: string | null;
  bundle: TaskResult['bundle'];
  inline?: string;
}

/** Commits `task`'s worktree after a turn and keeps the result's bundle in the blob store. */
export async function collectResult(deps: WorktreeDeps, task: Task): Promise<TurnResult> {
  const { spec } = task;
  const tmp = join(deps.paths.task(task.key), 'result.bundle');
  const commit = await deps.repos.commitResult(spec.repoId, task.key, task.worktree!, spec.base, `task ${spec.taskId}: ${spec.title}`, tmp, task.startedFrom);
  if (!commit) return { commit, bundle: null };
  const bundle = await deps.blobs.adopt(tmp);
  const inline = await readInline(deps.blobs.path(bundle.sha256), bundle.size);
  return { commit, bundle, ...(inline !== undefined ? { inline } : {}) };
}
