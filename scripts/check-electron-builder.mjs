// electron-builder.yml, checked offline: against the JSON schema electron-builder itself ships
// (app-builder-lib/scheme.json, with the ajv it uses), then for the facts the product needs:
// its installers, the native module outside the asar, and every part of the app in `files`.
// `checkPackage` runs electron-builder for real (`--dir`, a stand-in Electron) and reads the asar.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';

const REQUIRED_TARGETS = { linux: ['AppImage', 'deb'], mac: ['dmg'], win: ['nsis'] };
/** Paths the package must hold, and paths it must not (tests, maps, the e2e build). */
const MUST_INCLUDE = ['package.json', 'dist/agent/bin.js', 'dist/renderer/index.html', 'dist/main/shell/preload.cjs', 'dist/main/app/service.js', 'dist/shared/bridge/contract.js'];
const MUST_EXCLUDE = ['dist/e2e/harness.js', 'dist/main/shell/url-policy.test.js', 'dist/main/shell/electron-main.js.map', 'dist/packages/x.AppImage'];
const NATIVE_MODULE = 'node_modules/node-pty/build/Release/pty.node';
const ICON_SIZE = 512;

function builderRequire(root) {
  return createRequire(join(root, 'node_modules', 'app-builder-lib', 'package.json'));
}

function targetsOf(platform) {
  const t = platform?.target;
  const list = Array.isArray(t) ? t : t === undefined ? [] : [t];
  return list.map((x) => (typeof x === 'string' ? x : x?.target));
}

/** electron-builder's `files` semantics: patterns in order, a later `!pattern` takes a path back out. */
export function includedBy(patterns, path) {
  let included = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (picomatch(negated ? p.slice(1) : p, { dot: true })(path)) included = !negated;
  }
  return included;
}

async function pngSize(file) {
  const b = await readFile(file);
  if (b.readUInt32BE(12) !== 0x49484452) throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Returns a list of problems (empty: all good). */
export async function checkBuilderConfig(root) {
  const problems = [];
  const config = parseYaml(await readFile(join(root, 'electron-builder.yml'), 'utf8'));
  const req = builderRequire(root);
  const Ajv = req('ajv').default;
  const schema = JSON.parse(await readFile(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (!validate(config)) {
    // anyOf branches ("must be null", "must match a schema in anyOf") only echo the real error.
    for (const e of validate.errors ?? []) if (e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params?.type === 'null')) problems.push(`schema: ${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
  }
  for (const [platform, wanted] of Object.entries(REQUIRED_TARGETS)) {
    const have = targetsOf(config[platform]);
    for (const t of wanted) if (!have.includes(t)) problems.push(`${platform}.target lacks ${t} (has ${have.join(', ') || 'none'})`);
  }
  const main = await readFile(join(root, 'main', 'shell', 'electron-main.ts'), 'utf8');
  if (!main.includes(`const APP_ID = '${config.appId}';`)) problems.push(`appId ${config.appId} differs from APP_ID in main/shell/electron-main.ts (Windows notifications need them equal)`);
  const unpack = [config.asarUnpack ?? []].flat();
  if (!unpack.some((p) => picomatch(p, { dot: true })(NATIVE_MODULE))) problems.push(`asarUnpack does not cover ${NATIVE_MODULE} (node-pty must load from outside the asar)`);
  const files = config.files ?? [];
  if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) problems.push('files must be a list of patterns');
  else {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    for (const path of [...MUST_INCLUDE, pkg.main]) if (!includedBy(files, path)) problems.push(`files leaves out ${path}`);
    for (const path of MUST_EXCLUDE) if (includedBy(files, path)) problems.push(`files takes in ${path}`);
  }
  const icon = join(root, config.directories?.buildResources ?? 'build', 'icon.png');
  try {
    const { width, height } = await pngSize(icon);
    if (width < ICON_SIZE || height !== width) problems.push(`${icon} is ${width}×${height}; it must be square and at least ${ICON_SIZE}px`);
  } catch (err) {
    problems.push(`icon: ${err.message}`);
  }
  return problems;
}

/** The built renderer's page; required once the renderer has one (renderer/index.html). */
export const RENDERER_PAGE = 'dist/renderer/index.html';

/** The build output the app needs at run time; returns problems. */
export async function checkBuildOutput(root, { renderer }) {
  const problems = [];
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  for (const path of [pkg.main, 'dist/main/shell/preload.cjs', 'dist/agent/bin.js', ...(renderer ? [RENDERER_PAGE] : [])]) {
    try { await stat(join(root, path)); } catch { problems.push(`${path} is missing after the build`); }
  }
  return problems;
}

function run(bin, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/**
 * Packs the app into a temp dir with electron-builder (`--dir`, a stand-in Electron binary, no
 * native rebuild: all offline) and checks what landed in app.asar and beside it. Returns problems.
 */
export async function checkPackage(root, version, { renderer }) {
  const problems = [];
  const dir = await mkdtemp(join(tmpdir(), 'cc-package-'));
  try {
    const electronDist = join(dir, 'electron');
    await mkdir(electronDist);
    await writeFile(join(electronDist, 'electron'), '#!/bin/sh\nexit 1\n');
    await chmod(join(electronDist, 'electron'), 0o755);
    await writeFile(join(electronDist, 'version'), version);
    const out = join(dir, 'out');
    const r = await run(join(root, 'node_modules', '.bin', 'electron-builder'), ['--linux', 'dir', '--publish', 'never', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${out}`], root);
    if (r.code !== 0) return [`electron-builder --dir failed (${r.code}):\n${r.output.slice(-3000)}`];
    const resources = join(out, 'linux-unpacked', 'resources');
    const asar = builderRequire(root)('@electron/asar');
    const listed = new Set(asar.listPackage(join(resources, 'app.asar')).map((p) => p.replace(/\\/g, '/').replace(/^\//, '')));
    const pkg = JSON.parse(asar.extractFile(join(resources, 'app.asar'), 'package.json').toString('utf8'));
    for (const path of [...MUST_INCLUDE, pkg.main]) if ((renderer || path !== RENDERER_PAGE) && !listed.has(path)) problems.push(`app.asar lacks ${path}`);
    for (const path of listed) {
      if (path.startsWith('dist/e2e/') || path.endsWith('.test.js') || path.endsWith('.map')) problems.push(`app.asar holds ${path}`);
      if (path === 'node_modules/electron' || path.startsWith('node_modules/electron/')) problems.push('app.asar holds the electron package (a dev dependency)');
    }
    try { await stat(join(resources, 'app.asar.unpacked', NATIVE_MODULE)); } catch { problems.push(`${NATIVE_MODULE} is not unpacked beside app.asar`); }
    return problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
