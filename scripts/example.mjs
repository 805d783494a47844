#!/usr/bin/env node
// `npm run example`: runs examples/hello.md on a fresh sample repository with two local agents.
// Uses the real Claude Code when `claude` is installed and logged in; otherwise the scripted
// stand-in (and says so). Everything it makes lives in .example/.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = join(root, '.example');
const repo = join(work, 'sample-repo');
rmSync(repo, { recursive: true, force: true });
mkdirSync(join(repo, 'src'), { recursive: true });
writeFileSync(join(repo, 'package.json'), '{ "name": "sample", "type": "module", "version": "1.0.0" }\n');
writeFileSync(join(repo, 'README.md'), '# sample\n\nA tiny project for ClaudeCluster to work on.\n');
const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('-c', 'user.name=Example', '-c', 'user.email=example@localhost', 'commit', '-q', '-m', 'initial');

const env = { ...process.env };
const auth = spawnSync('claude', ['auth', 'status', '--json'], { encoding: 'utf8' });
if (auth.status === 0 && /"loggedIn"\s*:\s*true/.test(auth.stdout)) {
  console.log('Using your Claude Code login: this is a real run.\n');
} else {
  env.CLAUDECLUSTER_CLAUDE_BIN = join(root, 'e2e', 'fixtures', 'fake-claude');
  console.log('No logged-in Claude Code found: using the scripted stand-in (the model is scripted, not real).\n');
}
const run = spawnSync(process.execPath, [join(root, 'dist', 'main', 'cli', 'bin.js'), 'run', join(root, 'examples', 'hello.md'),
  '--repo', repo, '--local', '2', '--no-mdns', '--data-dir', join(work, 'driver')], { stdio: 'inherit', env });
if (run.status === 0) console.log(`\nSee the result:  git -C ${repo} log --graph --oneline --all`);
process.exit(run.status ?? 1);
