/**
 * Baselines for the per-task overhead: what a task cannot avoid on this machine. The stand-in's
 * own process runtime, and one checkout of the repository into a fresh worktree (every task
 * gets one, so its cost grows with the number of files in the repo).
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FAKE_CLAUDE, type Scope } from '../harness.js';
import { now, sample, type Sample } from './stats.js';

const run = promisify(execFile);

/** Milliseconds of one run of the stand-in, spawned directly in `cwd`. */
async function standInOnce(cwd: string): Promise<number> {
  const t0 = now();
  const p = spawn(FAKE_CLAUDE, ['-p', '!write x.txt 1', '--output-format', 'stream-json', '--verbose'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = (await once(p, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`stand-in exited with ${code}`);
  return now() - t0;
}

export async function measureStandIn(scope: Scope, runs: number): Promise<Sample> {
  const dir = await scope.tmp('cc-bench-standin-');
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(await standInOnce(dir));
  return sample(ms);
}

/** `git worktree add` of `repo`'s HEAD from a bare clone, as the agent does for every task. */
export async function measureCheckout(scope: Scope, repo: string, runs: number): Promise<Sample> {
  const dir = await scope.tmp('cc-bench-checkout-');
  const bare = join(dir, 'cache.git');
  await run('git', ['clone', '--quiet', '--bare', repo, bare]);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    await run('git', ['worktree', 'add', '--quiet', '--detach', join(dir, `w${i}`), 'HEAD'], { cwd: bare });
    ms.push(now() - t0);
  }
  return sample(ms);
}
