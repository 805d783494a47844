// Electronegativity over the Electron shell's sources (main/shell/): every finding, counted by
// severity. Its documented programmatic API is used rather than the CLI's report file: the CLI
// exits 0 whatever it finds, and writes its CSV header and rows with two unordered writes, which
// can lose rows (seen here), so a gate reading that file could pass on a lost HIGH finding.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** The Electron version the app ships (package.json devDependencies). */
export const ELECTRON_VERSION = '45.3.4';
/** Checks that need the network (a list of Electron releases): this gate runs offline. */
const OFFLINE_EXCLUDES = ['availablesecurityfixesglobalcheck'];
export const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

/**
 * Scans `input` (a folder, relative to `root` or absolute) and returns
 * `{ findings: [{ id, severity, confidence, file, location, sample, description }], counts }`.
 * Throws when electronegativity cannot parse a file or checks nothing.
 */
export async function scan(root, input) {
  const run = createRequire(join(root, 'package.json'))('@doyensec/electronegativity');
  const result = await run({
    input: resolve(root, input),
    isRelative: true,
    // The README says `electronVersion`; the runner reads `electronVersionOverride` (what the CLI's -e sets).
    electronVersionOverride: ELECTRON_VERSION,
    excludeFromScan: OFFLINE_EXCLUDES,
    parserPlugins: [],
  }, false);
  const fatal = (result.errors ?? []).filter((e) => !e.tolerable);
  if (fatal.length > 0) throw new Error(`electronegativity could not parse:\n${fatal.map((e) => `  ${e.file}: ${e.message}`).join('\n')}`);
  if (!(result.atomicChecks > 0) || !(result.globalChecks > 0)) throw new Error(`electronegativity ran no checks (${result.atomicChecks} atomic, ${result.globalChecks} global)`);
  const findings = result.issues.map((i) => ({
    id: i.id,
    severity: i.severity.name,
    confidence: i.confidence.name,
    file: i.file,
    location: `${i.location.line}:${i.location.column}`,
    sample: i.sample,
    description: i.description,
  }));
  const unknown = findings.filter((f) => !SEVERITIES.includes(f.severity));
  if (unknown.length > 0) throw new Error(`unknown severities: ${unknown.map((f) => f.severity).join(', ')}`);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]));
  return { findings, counts };
}

export function formatFinding(f) {
  const sample = f.sample && f.sample !== 'N/A' ? `\n      ${String(f.sample).split('\n')[0]}` : '';
  return `${f.severity} ${f.id} (${f.confidence}) ${f.file}:${f.location} — ${f.description}${sample}`;
}
