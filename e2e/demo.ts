/**
 * `npm run demo`: ClaudeCluster end to end on a machine without a Claude login. Two agents pair
 * with a driver and run a three-task goal on a generated sample repository, using the real Claude
 * Code CLI against a scripted Messages API on 127.0.0.1 — the model is scripted, nothing else is.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Scope, ROOT, CLI_BIN, git, makeRepo, pairWith, startAgent } from './harness.js';
import { startMockApi, claudeEnv, type Scenario } from './mock-api/server.js';
import { CLAUDE_BIN } from './mock-api/run-claude.js';

const WORK = join(ROOT, '.demo');

const GOAL = `---
session:
  mode: headless
---
# Greet people politely

A tiny Node.js project gets a greeting feature, in three small tasks.

## Tasks
- greet: Add a greet function
  Create src/greet.js exporting greet(name), returning "Hello, <name>!".
- farewell: Add a farewell function
  Create src/farewell.js exporting farewell(name), returning "Goodbye, <name>.".
- cli: Print a greeting from the command line
  after: greet
  Create src/cli.js that prints greet(process.argv[2] ?? "world").
`;

const write = (file: string, content: string): Scenario[number] => ({ tools: [{ name: 'Write', input: { file_path: file, content } }], text: `I'll create ${file}.` });

/** What the scripted model does for each task: a short plan, one file, a summary. */
const SCRIPTS: Record<string, Scenario> = {
  greet: [write('src/greet.js', 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n'), { text: 'Added `greet(name)` in src/greet.js.' }],
  farewell: [write('src/farewell.js', 'export function farewell(name) {\n  return `Goodbye, ${name}.`;\n}\n'), { text: 'Added `farewell(name)` in src/farewell.js.' }],
  cli: [
    { tools: [{ name: 'Read', input: { file_path: 'src/greet.js' } }], text: 'Let me look at greet first.' },
    write('src/cli.js', "import { greet } from './greet.js';\n\nconsole.log(greet(process.argv[2] ?? 'world'));\n"),
    { text: 'Added src/cli.js, which prints a greeting.' },
  ],
};

function say(text: string): void {
  process.stdout.write(`\x1b[1m${text}\x1b[0m\n`);
}

async function main(): Promise<number> {
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  say('ClaudeCluster demo — THE MODEL IS SCRIPTED: the real Claude Code CLI talks to a local stand-in for');
  say('the Messages API on 127.0.0.1 (no account, no network). With a logged-in Claude Code,');
  say('`claudecluster run GOAL --local N` is the real thing.\n');
  const api = await startMockApi({ route: (text) => /## Your task: ([\w-]+)/.exec(text)?.[1] ?? '', scripts: SCRIPTS });
  const scope = new Scope();
  try {
    const repo = await makeRepo(join(WORK, 'sample-repo'), { 'package.json': '{ "name": "sample", "type": "module" }\n', 'README.md': '# sample\n' });
    const goal = join(WORK, 'greet.md');
    await writeFile(goal, GOAL);
    const env = { ...claudeEnv(api, join(WORK, 'claude-home')), PATH: process.env['PATH'] };
    const driverDir = join(WORK, 'driver');
    const agents = [];
    for (const name of ['alpha', 'beta']) {
      const dataDir = join(WORK, `agent-${name}`);
      const agent = await startAgent(scope, { dataDir, env, args: ['--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--slots', '1', '--name', name, '--claude-bin', CLAUDE_BIN, '--pair'] });
      say(`agent ${name} up: ${agent.addr} (fingerprint ${agent.fingerprint}); pairing it with its one-time code…`);
      await pairWith(scope, agent, driverDir, dataDir);
      agents.push(agent);
    }
    say(`\nclaudecluster run ${goal} --agent … --agent …\n`);
    const run = spawn(process.execPath, [CLI_BIN, 'run', goal, '--repo', repo, '--data-dir', driverDir, '--no-mdns', ...agents.flatMap((a) => ['--agent', a.addr])], { stdio: 'inherit', env: process.env });
    const code = await new Promise<number>((resolve) => run.on('close', (c) => resolve(c ?? 1)));
    if (code === 0) {
      const branch = git(repo, 'branch', '--list', 'claudecluster/*').replace('*', '').trim();
      say(`\nThe result branch, in ${repo}:`);
      process.stdout.write(git(repo, 'log', '--graph', '--oneline', branch) + '\n');
      process.stdout.write(`$ node src/cli.js Ada   →   ${git(repo, 'show', `${branch}:src/cli.js`).split('\n').length > 1 ? await runCli(repo, branch) : '?'}\n`);
    }
    return code;
  } finally {
    await scope.cleanup();
    await api.close();
  }
}

/** Runs the merged cli.js from the result branch, in a throwaway worktree. */
async function runCli(repo: string, branch: string): Promise<string> {
  const dir = join(WORK, 'check');
  git(repo, 'worktree', 'add', '--quiet', '--detach', dir, branch);
  try {
    return await new Promise((resolve) => {
      const p = spawn(process.execPath, ['src/cli.js', 'Ada'], { cwd: dir });
      let out = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.on('close', () => resolve(out.trim()));
    });
  } finally {
    git(repo, 'worktree', 'remove', '--force', dir);
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
