/**
 * A full disk on an agent, with real processes: the agent's data dir is a small tmpfs. A task
 * that fills it fails with a reason naming the disk space; the agent keeps answering; once the
 * task's worktree is cleaned a small task runs there again; an upload that would not fit is
 * refused up front (no partial blob left); the agent's cached repository stays sound (git fsck).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, git, makeRepo, pairWith, runCli, startAgent, stop, waitFor, type CliResult } from '../harness.js';
import { MIN_FREE_DISK_BYTES, formatBytes, freeBytes } from '../../shared/node/disk-space.js';

const scope = new Scope();
const agents: ChildProcess[] = [];
const mounts: string[] = [];
after(async () => {
  // The agent holds files on the tmpfs: stop it before unmounting, and unmount before the dir goes.
  for (const p of agents) await stop(p);
  for (const m of mounts) unmount(m);
  await scope.cleanup();
});

const MIB = 1024 * 1024;
/** Room for the agent's cache, logs and one small task beyond the minimum it keeps free. */
const TMPFS_BYTES = MIN_FREE_DISK_BYTES + 48 * MIB;
/** More than the tmpfs holds: the task's `dd` runs until the disk is full. */
const FILL_MIB = Math.ceil(TMPFS_BYTES / MIB) + 16;
/** Free space left on the agent's disk for the upload case: less than the minimum it keeps. */
const SHORT_BYTES = MIN_FREE_DISK_BYTES / 2;
/** A run on a filled disk: a few seconds normally; generous for a loaded machine. */
const RUN_TIMEOUT_MS = 120_000;

interface TaskOut { id: string; status: string; error?: string }
interface StatusEvent { time: string; task: TaskOut; detail?: string }

function mount(dir: string, bytes: number): string | undefined {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return `${r.error?.message ?? ''}${r.stderr}`.trim() || `exit ${r.status}`;
  mounts.push(dir);
  return undefined;
}

function unmount(dir: string): void {
  // Lazily, if something still holds it: a leftover mount would outlive the suite.
  if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
}

function summaryOf(r: CliResult): { ok: boolean; branch: string; tasks: TaskOut[] } {
  const finished = r.events.find((e) => e['type'] === 'run-finished') as unknown as { summary: { ok: boolean; branch: string; tasks: TaskOut[] } } | undefined;
  assert.ok(finished, `no run-finished event: ${r.stderr}\n${r.stdout.slice(-2000)}`);
  return finished.summary;
}

function failedAt(r: CliResult, id: string): number {
  const e = (r.events as unknown as StatusEvent[]).find((s) => s.task?.id === id && s.task.status === 'failed');
  assert.ok(e, `${id} never failed: ${r.stdout.slice(-2000)}`);
  return Date.parse(e.time);
}

async function goal(dir: string, name: string, lines: string[]): Promise<string> {
  const file = join(dir, `${name}.md`);
  await writeFile(file, ['---', 'retries: 0', '---', `# ${name}`, '', '## Tasks', ...lines, ''].join('\n'));
  return file;
}

test('a task that fills the agent\'s disk fails with the reason; the agent keeps serving; its cache stays sound', { timeout: 4 * RUN_TIMEOUT_MS }, async (t) => {
  const tmp = await scope.tmp('cc-disk-full-');
  const dataDir = join(tmp, 'agent-data');
  await mkdir(dataDir);
  const refused = mount(dataDir, TMPFS_BYTES);
  if (refused) {
    // Mounting needs root (or CAP_SYS_ADMIN); without it there is no small disk to fill.
    t.skip(`mount -t tmpfs is not permitted here: ${refused}`);
    return;
  }
  const repo = await makeRepo(join(tmp, 'repo'), { 'README.md': '# disk full\n' });
  const driverDir = join(tmp, 'driver');
  const agent = await startAgent(scope, { dataDir, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--slots', '1', '--name', 'small-disk'] });
  agents.push(agent.proc);
  await pairWith(scope, agent, driverDir, dataDir);
  const run = (file: string): Promise<CliResult> => runCli(['run', file, '--repo', repo, '--agent', agent.addr, '--data-dir', driverDir, '--no-mdns', '--json']);

  // 1. The task writes more than the disk holds (dd stops at ENOSPC; the session goes on).
  const fill = await goal(tmp, 'fill', ['- fill: Fill the disk', `  !run dd if=/dev/zero of=big.bin bs=1M count=${FILL_MIB} 2>&1 | tail -1`, '  !say filled']);
  const started = Date.now();
  const filled = await run(fill);
  const reason = summaryOf(filled).tasks[0]?.error ?? '';
  const toFailure = failedAt(filled, 'fill') - started;
  console.log(`disk full: tmpfs ${formatBytes(TMPFS_BYTES)}, task failed ${toFailure} ms after the run started; reason: ${reason}`);
  assert.equal(filled.code, 1, filled.stderr);
  assert.equal(summaryOf(filled).tasks[0]?.status, 'failed');
  assert.match(reason, /not enough disk space for the task's commit and result bundle at \S+\/work\/\S+: [\d.]+ (B|KiB|MiB) free, 64\.0 MiB needed/);

  // 2. The agent still answers (agent.info through `claudecluster agents`).
  const listed = await runCli(['agents', '--json', '--data-dir', driverDir, '--no-mdns']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(listed.events.map((e) => [e['name'], e['online']]), [['small-disk', true]]);
  assert.equal(agent.proc.exitCode, null, 'the agent is running');

  // 3. The failed task's worktree is cleaned when its session ends: the space comes back.
  await waitFor(async () => (await freeBytes(dataDir)) > MIN_FREE_DISK_BYTES + 32 * MIB, 'the filled worktree to be cleaned');
  await writeFile(join(repo, 'next.txt'), 'after the disk was full\n');
  const small = await goal(tmp, 'small', ['- small: Write a file', '  !write small.txt fits']);
  const ok = await run(small);
  assert.equal(ok.code, 0, `${ok.stderr}\n${ok.stdout.slice(-2000)}`);
  assert.equal(git(repo, 'show', `${summaryOf(ok).branch}:small.txt`), 'fits');

  // 4. With less free than the minimum, a commit sent to the agent (inline: it is small) is refused before a byte is written.
  git(repo, 'add', 'next.txt');
  git(repo, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'a commit the agent lacks');
  const filler = join(dataDir, 'filler.bin');
  await writeFile(filler, Buffer.alloc((await freeBytes(dataDir)) - SHORT_BYTES));
  const upload = await run(small);
  const uploadReason = summaryOf(upload).tasks[0]?.error ?? '';
  console.log(`upload on a short disk refused: ${uploadReason}`);
  assert.equal(upload.code, 1);
  assert.match(uploadReason, /not enough disk space for the objects of commit [0-9a-f]{12} at \S+\/repos\/[0-9a-f]{64}\.git: [\d.]+ MiB free, [\d.]+ MiB needed/);
  assert.deepEqual(readdirSync(join(dataDir, 'blobs')).filter((n) => n.endsWith('.part') || n.endsWith('.inline')), [], 'no partial blob');
  assert.equal(agent.proc.exitCode, null, 'the agent is running');
  await rm(filler);

  // 5. Nothing in the agent's cache is corrupt.
  const repos = readdirSync(join(dataDir, 'repos'));
  assert.equal(repos.length, 1);
  const cache = join(dataDir, 'repos', repos[0]!);
  const fsck = spawnSync('git', ['fsck', '--full', '--strict'], { cwd: cache, encoding: 'utf8' });
  assert.equal(fsck.status, 0, `git fsck: ${fsck.stdout}${fsck.stderr}`);
  assert.doesNotMatch(fsck.stdout + fsck.stderr, /error|missing|corrupt/i);
  assert.equal(existsSync(join(dataDir, 'work')) && readdirSync(join(dataDir, 'work')).some((n) => existsSync(join(dataDir, 'work', n, 'big.bin'))), false, 'no worktree still holds the filler');
});
