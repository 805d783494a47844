// Electronegativity over the Electron shell's sources (main/shell/): every finding, counted by
// severity. It exits 0 whatever it finds, so the findings are read from its output files. It
// writes its CSV header and rows with two unordered writes, so a second run writes SARIF and the
// two must agree on the findings: a CSV that lost its rows cannot pass as "nothing found".
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Electron version the app ships (package.json devDependencies). */
export const ELECTRON_VERSION = '45.3.4';
/** Checks that need the network (a list of Electron releases): this gate runs offline. */
const OFFLINE_EXCLUDES = ['AvailableSecurityFixesGlobalCheck'];
export const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

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

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/**
 * Scans `input` (a folder) and returns `{ findings: [{ id, severity, confidence, file, location, sample, description }], counts }`.
 * Throws when electronegativity fails or its two reports disagree.
 */
export async function scan(root, input) {
  const bin = join(root, 'node_modules', '.bin', 'electronegativity');
  const dir = await mkdtemp(join(tmpdir(), 'cc-electronegativity-'));
  try {
    const common = ['-i', input, '-e', ELECTRON_VERSION, '-r', '-v', 'false', '-x', OFFLINE_EXCLUDES.join(',')];
    const csvFile = join(dir, 'findings.csv');
    const sarifFile = join(dir, 'findings.sarif');
    const [csvRun, sarifRun] = await Promise.all([run(bin, [...common, '-o', csvFile], root), run(bin, [...common, '-o', sarifFile], root)]);
    for (const r of [csvRun, sarifRun]) if (r.code !== 0) throw new Error(`electronegativity exited with ${r.code}:\n${r.output}`);
    const rows = parseCsv(await readFile(csvFile, 'utf8').catch(() => { throw new Error(`electronegativity wrote no report:\n${csvRun.output}`); }));
    const header = rows.shift()?.map((h) => h.trim());
    if (header?.[0] !== 'issue' || header[1] !== 'severity') throw new Error(`unexpected electronegativity CSV header: ${header?.join(',')}`);
    const findings = rows.map(([id, severity, confidence, file, location, sample, description]) => ({ id, severity, confidence, file, location, sample, description }));
    const sarif = JSON.parse(await readFile(sarifFile, 'utf8'));
    const sarifIds = sarif.runs.flatMap((r) => r.results.map((x) => x.ruleId)).sort();
    const csvIds = findings.map((f) => f.id).sort();
    if (sarifIds.join() !== csvIds.join()) throw new Error(`electronegativity's CSV and SARIF reports disagree:\n  csv:   ${csvIds.join(', ')}\n  sarif: ${sarifIds.join(', ')}`);
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]));
    const unknown = findings.filter((f) => !SEVERITIES.includes(f.severity));
    if (unknown.length > 0) throw new Error(`unknown severities: ${unknown.map((f) => f.severity).join(', ')}`);
    return { findings, counts };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatFinding(f) {
  const sample = f.sample && f.sample !== 'N/A' ? `\n      ${f.sample.split('\n')[0]}` : '';
  return `${f.severity} ${f.id} (${f.confidence}) ${f.file}:${f.location} — ${f.description}${sample}`;
}
