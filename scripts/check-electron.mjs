#!/usr/bin/env node
// `npm run check:electron`: the desktop shell's gate, offline. Builds the preload bundle, then
//   1. electronegativity over main/shell/: fails on any HIGH finding (prints every finding and a
//      one-line count per severity);
//   2. electron-builder.yml against electron-builder's own schema and the product's facts;
//   3. the build output the app needs (main entry, preload, agent, renderer);
//   4. the preload bundle, run as a sandboxed preload runs;
//   5. electron-builder --dir with a stand-in Electron (skip with --no-package): what lands in app.asar.
// Exit 0: all passed; 1: something failed (each problem printed).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, URL } from 'node:url';
import { join } from 'node:path';
import { buildPreload } from './build-preload.mjs';
import { checkBuildOutput, checkBuilderConfig, checkPackage } from './check-electron-builder.mjs';
import { checkPreload } from './check-electron-preload.mjs';
import { formatFinding, scan, SEVERITIES } from './check-electron-security.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHELL_DIR = 'main/shell';
const withPackage = !process.argv.includes('--no-package');

let failed = false;
function report(name, problems) {
  if (problems.length === 0) { console.log(`ok    ${name}`); return; }
  failed = true;
  console.log(`FAIL  ${name}`);
  for (const p of problems) console.log(`      ${p.replace(/\n/g, '\n      ')}`);
}
async function step(name, fn) {
  try { report(name, await fn()); } catch (err) { report(name, [err.stack ?? String(err)]); }
}

await step('preload bundle built (scripts/build-preload.mjs)', async () => { await buildPreload(ROOT); return []; });
// Runs while the rest is checked; settled into a value so a failure waits for its turn to be reported.
const security = scan(ROOT, SHELL_DIR).then((result) => ({ result }), (error) => ({ error }));
await step('electron-builder.yml: schema and targets, asarUnpack, files, icon', () => checkBuilderConfig(ROOT));
// The renderer's page is required once the renderer has one to build.
const renderer = existsSync(join(ROOT, 'renderer', 'index.html'));
if (!renderer) console.log('note  renderer/index.html does not exist yet: the built renderer is not required');
const built = await checkBuildOutput(ROOT, { renderer }).catch((err) => [String(err)]);
report(`build output: main entry, preload, agent${renderer ? ', renderer' : ''}`, built);
await step('preload bundle: sandboxed, no eval, exposes exactly { call, on }', () => checkPreload(ROOT));
if (withPackage && built.length === 0) {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  await step('electron-builder --dir: app.asar contents, node-pty unpacked', () => checkPackage(ROOT, pkg.devDependencies.electron, { renderer }));
}
const scanned = await security;
if (scanned.error) report('electronegativity', [scanned.error.stack ?? String(scanned.error)]);
else {
  const { findings, counts } = scanned.result;
  const high = findings.filter((f) => f.severity === 'HIGH');
  report(`electronegativity (${SHELL_DIR}): no HIGH findings`, high.map(formatFinding));
  for (const f of findings.filter((x) => x.severity !== 'HIGH')) console.log(`      ${formatFinding(f).replace(/\n/g, '\n      ')}`);
  console.log(`electronegativity: ${SEVERITIES.map((s) => `${counts[s]} ${s.toLowerCase()}`).join(', ')} (${findings.length} findings in ${SHELL_DIR})`);
}
process.exit(failed ? 1 : 0);
