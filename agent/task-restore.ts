/**
 * The tasks an earlier run of this agent left on disk, read back as they were: their logs and
 * results are served again. A finished task whose results were all collected longer ago than the
 * retention is deleted instead, with its branch in the repo cache.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { taskKey } from '../shared/protocol/common.js';
import type { RepoCache } from './repo-cache.js';
import { expired, loadRecords, removeRecord } from './task-records.js';
import { newTask, type Task } from './task.js';

export async function readBackTasks(tasksDir: string, repos: RepoCache): Promise<{ tasks: Task[]; problems: string[] }> {
  const { records, problems } = await loadRecords(tasksDir);
  const tasks: Task[] = [];
  for (const loaded of records) {
    const { record, dir } = loaded;
    if (await expired(loaded)) {
      await repos.dropTaskBranch(record.spec.repoId, taskKey(record.spec));
      await removeRecord(loaded);
      continue;
    }
    const task = newTask(dir, record.spec, record.owner, existsSync(join(dir, 'stream.jsonl')));
    Object.assign(task, { state: record.state, costUsd: record.costUsd, results: record.results, acked: record.acked, turns: record.results.length, result: record.results.at(-1) });
    // Their sessions died with the agent: nothing more is written to their logs.
    task.log.end();
    task.rawLog?.end();
    tasks.push(task);
  }
  return { tasks, problems };
}
