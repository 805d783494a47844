import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runProcess } from './spawner.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const sh = (script: string, input?: string): ReturnType<typeof runProcess> =>
  runProcess({ cmd: 'sh', args: ['-c', script], cwd: tmpdir(), env: { PATH: process.env['PATH'], WHO: 'helper' }, ...(input !== undefined ? { input } : {}) });

test('a process gets its input, cwd and env, and its output and exit code come back', async () => {
  const r = await sh('cat; printf " %s %s" "$WHO" "$(pwd)"; echo oops >&2; exit 3', 'fed');
  assert.equal(r.code, 3);
  assert.equal(text(r.stdout), `fed helper ${tmpdir()}`);
  assert.equal(text(r.stderr), 'oops\n');
  assert.equal(r.spawnError, undefined);
});

test('a command that cannot be started is a spawn error, not an exit code', async () => {
  const r = await runProcess({ cmd: 'no-such-command-here', args: [], cwd: tmpdir(), env: { PATH: process.env['PATH'] } });
  assert.equal(r.spawnError?.code, 'ENOENT');
  assert.equal(r.code, null);
});

test('stdout can go to the end of a file instead of coming back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-spawner-'));
  try {
    const file = join(dir, 'out');
    await writeFile(file, 'header\n');
    const r = await runProcess({ cmd: 'sh', args: ['-c', 'echo body; echo oops >&2'], cwd: dir, env: { PATH: process.env['PATH'] }, stdoutFile: file });
    assert.equal(r.code, 0);
    assert.equal(r.stdout.byteLength, 0);
    assert.equal(text(r.stderr), 'oops\n');
    assert.equal(await readFile(file, 'utf8'), 'header\nbody\n');

    const nowhere = await runProcess({ cmd: 'sh', args: ['-c', 'echo x'], cwd: dir, env: { PATH: process.env['PATH'] }, stdoutFile: join(dir, 'no', 'such', 'dir') });
    assert.equal(nowhere.spawnError?.code, 'ENOENT', 'a file that cannot be opened is a spawn error');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('stdin can come from a file, from a byte offset on', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-spawner-'));
  try {
    const file = join(dir, 'in');
    await writeFile(file, 'header\nbody\n');
    const cat = (path: string): ReturnType<typeof runProcess> => runProcess({ cmd: 'sh', args: ['-c', 'cat; echo "[end]"'], cwd: dir, env: { PATH: process.env['PATH'] }, stdinFile: { path, offset: 'header\n'.length } });
    assert.equal(text((await cat(file)).stdout), 'body\n[end]\n');
    assert.equal(text((await cat(join(dir, 'missing'))).stdout), '[end]\n', 'a file that cannot be read is an input cut short');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('processes run at once each get their own answer', async () => {
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => sh(`echo ${i}; exit ${i % 4}`)));
  all.forEach((r, i) => {
    assert.equal(text(r.stdout), `${i}\n`);
    assert.equal(r.code, i % 4);
  });
});

test('the helper keeps its parent alive while a command runs, and not after', () => {
  // A script whose only work is one command: it must wait for the answer, then exit by itself.
  const module = fileURLToPath(new URL('./spawner.js', import.meta.url));
  const script = `const { runProcess } = await import(${JSON.stringify(module)});
    const r = await runProcess({ cmd: 'sh', args: ['-c', 'echo done'], cwd: '/', env: { PATH: process.env.PATH } });
    process.stdout.write(Buffer.from(r.stdout));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(child.error, undefined, 'the script did not exit by itself');
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout, 'done\n');
});

test('a command that cannot be sent to the helper fails alone, and holds nothing open', () => {
  const module = fileURLToPath(new URL('./spawner.js', import.meta.url));
  const script = `const { runProcess } = await import(${JSON.stringify(module)});
    const env = { PATH: process.env.PATH };
    await runProcess({ cmd: 'sh', args: ['-c', 'echo never'], cwd: '/', env, input: () => 1 }).catch((e) => process.stdout.write('refused: ' + e.message + '\\n'));
    const r = await runProcess({ cmd: 'sh', args: ['-c', 'echo done'], cwd: '/', env });
    process.stdout.write(Buffer.from(r.stdout));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(child.error, undefined, 'the script did not exit by itself');
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout, 'refused: () => 1 could not be cloned.\ndone\n');
});

/** The pid of the process that started the command: the helper. */
async function helperPid(): Promise<number> {
  return Number(text((await sh('echo $PPID')).stdout));
}

/** Polls until `pid` is gone, or fails after `ms`. */
async function gone(pid: number, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > until) assert.fail(`process ${pid} is still there after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('commands start from one helper process, not from this one', async () => {
  const first = await helperPid();
  assert.notEqual(first, process.pid);
  assert.equal(await helperPid(), first);
  // A bare Node: nothing of this process's environment, only what makes it one (and Node's IPC channel).
  const names = (await readFile(`/proc/${first}/environ`, 'utf8')).split('\0').filter(Boolean).map((v) => v.slice(0, v.indexOf('=')));
  assert.deepEqual(names.filter((n) => !n.startsWith('NODE_CHANNEL_')), ['ELECTRON_RUN_AS_NODE']);
});

test('a helper that dies fails the commands it was running, and the next command starts a new one', async () => {
  const first = await helperPid();
  const running = sh('sleep 30');
  process.kill(first, 'SIGKILL');
  await assert.rejects(running, /the process helper exited \(SIGKILL\)/);
  const next = await helperPid();
  assert.notEqual(next, first);
  assert.equal(text((await sh('echo again')).stdout), 'again\n');
});

test('the helper exits when its parent goes', async () => {
  const module = fileURLToPath(new URL('./spawner.js', import.meta.url));
  const script = `const { runProcess } = await import(${JSON.stringify(module)});
    const r = await runProcess({ cmd: 'sh', args: ['-c', 'echo $PPID'], cwd: '/', env: { PATH: process.env.PATH } });
    process.stdout.write(Buffer.from(r.stdout));
    process.exit(0);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(child.status, 0, child.stderr);
  const pid = Number(child.stdout);
  assert.ok(pid > 0, child.stdout);
  await gone(pid);
});
