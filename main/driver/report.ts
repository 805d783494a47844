/**
 * The run report: a Markdown page with each task (agent, attempts, time, cost, verify result,
 * files changed), the totals and the critical path of the graph by measured time. `renderReport`
 * is pure; `withFilesChanged` fills in the files from git where the run did not report them.
 */
import { git } from '../../shared/node/git.js';
import { knownCommits } from './user-repo.js';
import type { RunSummary, TaskReport } from './run-output.js';
import { criticalPath } from './scheduler.js';
import { shortId } from '../../shared/short-id.js';

/** A task's changed files are listed up to this many; the rest are counted. */
export const MAX_FILES_LISTED = 10;

export interface ReportInput {
  goal: { title: string; file: string; verify?: string };
  /** Tasks carry `after` (the graph) and, where known, `filesChanged`. */
  summary: RunSummary;
}

/** The Markdown report of a finished run. */
export function renderReport({ goal, summary }: ReportInput): string {
  const count = (s: string): number => summary.tasks.filter((t) => t.status === s).length;
  const [merged, failed, blocked] = [count('merged'), count('failed'), count('blocked')];
  const lines = [
    `# ${oneLine(goal.title)}`,
    '',
    `Run \`${summary.runId}\` of \`${oneLine(goal.file)}\`: ${summary.ok ? 'every task merged' : 'finished with problems'}. ` +
      `Branch \`${summary.branch}\`, from \`${shortId(summary.base)}\`.`,
    '',
    '## Tasks',
    '',
    '| Task | Status | Agent | Attempts | Time | Cost | Verify | Files changed |',
    '| --- | --- | --- | ---: | ---: | ---: | --- | --- |',
    ...summary.tasks.map((t) => row([
      `\`${t.id}\` ${t.title}`, t.status, t.agent ?? '—', String(t.attempts ?? (t.agent ? 1 : 0)),
      t.durationMs === undefined ? '—' : formatDuration(t.durationMs), t.costUsd === undefined ? '—' : formatCost(t.costUsd),
      t.verify ?? (goal.verify && t.status === 'merged' ? 'not run' : '—'), files(t.filesChanged),
    ])),
  ];
  const problems = summary.tasks.filter((t) => t.status !== 'merged');
  if (problems.length > 0) {
    lines.push('', ...problems.map((t) => `- \`${t.id}\` ${t.status}${t.error ? `: ${oneLine(t.error)}` : ''}`));
  }
  lines.push(
    '',
    '## Totals',
    '',
    `- Time: ${formatDuration(summary.elapsedMs)}`,
    `- Cost: ${formatCost(summary.costUsd)}`,
    `- Tasks: ${merged} merged, ${failed} failed, ${blocked} blocked (${summary.tasks.length} in all)`,
  );
  if (summary.agents.length > 0) {
    lines.push(`- Agents: ${summary.agents.map((a) => `${a.agent} (${a.tasks} task${a.tasks === 1 ? '' : 's'}, ${formatCost(a.costUsd)})`).join(', ')}`);
  }
  const path = reportCriticalPath(summary.tasks);
  lines.push(
    '',
    '## Critical path',
    '',
    path.ids.length === 0 ? 'No tasks.' : `${path.ids.map((id) => `\`${id}\``).join(' → ')}: ${formatDuration(path.length)}`,
    '',
  );
  return lines.join('\n');
}

/** The longest chain of `after` edges, weighted by each task's measured time (0 when it never ran). */
export function reportCriticalPath(tasks: readonly TaskReport[]): { ids: string[]; length: number } {
  const durations = new Map(tasks.map((t) => [t.id, t.durationMs ?? 0]));
  return criticalPath(tasks.map((t) => ({ id: t.id, after: t.after ?? [], status: t.status })), durations);
}

/**
 * Tasks with `filesChanged` filled in from git where absent: the paths that differ between the
 * task's base and its commit. A task that changed nothing gets []; one without a commit, or
 * whose commit this repo lacks, is left without.
 */
export async function withFilesChanged(repoRoot: string, tasks: readonly TaskReport[]): Promise<TaskReport[]> {
  const asked = tasks.filter((t) => t.filesChanged === undefined && t.commit && t.base);
  // A commit this repo lacks (its result never arrived): the report shows "—" rather than guessing.
  const present = new Set(await knownCommits(repoRoot, [...new Set(asked.flatMap((t) => [t.base!, t.commit!]))]));
  const pairs = asked.filter((t) => present.has(t.base!) && present.has(t.commit!));
  const files = await changedFiles(repoRoot, pairs.map((t) => [t.base!, t.commit!] as const)).catch(() => []);
  const byTask = new Map(files.map((f, i) => [pairs[i]!, f]));
  return tasks.map((t) => {
    if (t.filesChanged !== undefined || t.commit === undefined) return t;
    if (t.commit === null) return { ...t, filesChanged: [] };
    const changed = byTask.get(t);
    return changed ? { ...t, filesChanged: changed } : t;
  });
}

/**
 * The paths that differ between each pair's base and commit (all present in the repository), in
 * one `git diff-tree --stdin` for all of them: with `--always`, each pair's answer is its commit's
 * id, then its paths.
 */
async function changedFiles(root: string, pairs: ReadonlyArray<readonly [base: string, commit: string]>): Promise<string[][]> {
  if (pairs.length === 0) return [];
  const input = pairs.map(([base, commit]) => `${commit} ${base}\n`).join('');
  const out = (await git(['diff-tree', '--stdin', '--always', '-r', '--name-only', '--no-renames', '-z'], { cwd: root, input })).stdout;
  const tokens = out.split('\0');
  const files: string[][] = [];
  let i = 0;
  for (let p = 0; p < pairs.length; p++) {
    if (tokens[i] !== pairs[p]![1]) throw new Error(`git diff-tree answered ${tokens[i] ?? 'nothing'} where ${pairs[p]![1]} was due`);
    i++;
    const next = pairs[p + 1]?.[1];
    const paths: string[] = [];
    for (; i < tokens.length && tokens[i] !== next && tokens[i] !== ''; i++) paths.push(tokens[i]!);
    files.push(paths);
  }
  return files;
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${pad(whole % 60)} s`;
  return `${Math.floor(whole / 3600)} h ${pad(Math.floor((whole % 3600) / 60))} min`;
}

export function formatCost(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

function files(list: readonly string[] | undefined): string {
  if (list === undefined) return '—';
  if (list.length === 0) return 'none';
  const shown = list.slice(0, MAX_FILES_LISTED).map(code).join(', ');
  return list.length > MAX_FILES_LISTED ? `${shown} and ${list.length - MAX_FILES_LISTED} more` : shown;
}

/** A path as inline code; a path with a backquote gets a longer fence (CommonMark). */
function code(s: string): string {
  const text = oneLine(s);
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => oneLine(c).replace(/\|/g, '\\|')).join(' | ')} |`;
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ');
}
