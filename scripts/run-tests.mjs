#!/usr/bin/env node
// Runs the compiled test files under Node's test runner.
//   unit:        dist/{shared,agent,main,renderer-logic}/**/*.test.js
//   integration: dist/e2e/**/*.test.js (real agent processes, git, PTYs, namespaces)
//   all:         both
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Test files run side by side. The integration files mostly wait on processes, sockets and
 * disks, so two at once keep a 2-core machine busy where node's default (cores − 1) runs one.
 */
const CONCURRENCY = Math.max(2, availableParallelism() - 1);

const SUITES = {
  unit: ['dist/shared', 'dist/agent', 'dist/main', 'dist/renderer-logic'],
  integration: ['dist/e2e'],
};
SUITES.all = [...SUITES.unit, ...SUITES.integration];

const suite = process.argv[2] ?? 'all';
const roots = SUITES[suite];
if (!roots) {
  console.error(`unknown suite "${suite}"; use one of: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

function findTests(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(findTests(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = roots.flatMap(findTests).sort();
if (files.length === 0) {
  console.error(`no test files found under ${roots.join(', ')}; run "npm run build" first`);
  process.exit(1);
}
const extra = process.argv.slice(3);
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', `--test-concurrency=${CONCURRENCY}`, ...extra, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
