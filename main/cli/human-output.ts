/** Live progress for people: task states, and each task's terminal output with a task prefix. */
import type { PullRequestOutcome, RunEnd, RunOutput, RunSummary, TaskReport } from '../driver/run-output.js';
import { stripAnsi } from '../../shared/ansi.js';
import { shortId } from '../../shared/short-id.js';

/** Longer lines of terminal output are cut when printed with a prefix (the full log stays on the agent). */
const MAX_LINE_CHARS = 240;

const MARK: Record<string, string> = {
  waiting: '·', dispatching: '→', queued: '…', running: '▶', 'needs-input': '⚠', integrating: '⇄', merged: '✓', failed: '✗', blocked: '⊘',
};

export class HumanOutput implements RunOutput {
  private readonly partial = new Map<string, string>();
  /** Tasks of the run, and those merged so far: each merge says how far the run has come. */
  private total = 0;
  private readonly merged = new Set<string>();

  constructor(private readonly write: (s: string) => void = (s) => process.stdout.write(s), private readonly showOutput = true) {}

  runStarted(info: { runId: string; branch: string; base: string; tasks: Array<{ id: string; title: string; after: string[] }> }): void {
    this.total = info.tasks.length;
    this.write(`Run ${info.runId}: ${info.tasks.length} task(s) from ${shortId(info.base)} into branch ${info.branch}\n`);
    for (const t of info.tasks) this.write(`  ${t.id}: ${t.title}${t.after.length ? `  (after ${t.after.join(', ')})` : ''}\n`);
  }

  agentJoined(info: { name: string; peerId: string; slots: number }): void {
    this.write(`agent ${info.name} joined (${info.slots} slot(s))\n`);
  }

  agentLost(info: { name: string; reason: string }): void {
    this.write(`agent ${info.name} lost: ${info.reason}\n`);
  }

  taskStatus(t: TaskReport, detail?: string): void {
    const where = t.agent ? ` on ${t.agent}` : '';
    const extra = t.status === 'failed' ? `: ${t.error}` : detail ? ` (${detail})` : '';
    const figures = t.status === 'merged' && t.durationMs !== undefined ? ` in ${(t.durationMs / 1000).toFixed(1)}s, $${(t.costUsd ?? 0).toFixed(4)}` : '';
    if (t.status === 'merged') this.merged.add(t.id);
    const progress = t.status === 'merged' && this.total > 0 ? `  [${this.merged.size}/${this.total} merged]` : '';
    this.write(`${MARK[t.status] ?? '?'} ${t.id} ${t.status}${where}${figures}${extra}${progress}\n`);
  }

  taskOutput(taskId: string, chunk: Uint8Array): void {
    if (!this.showOutput) return;
    const text = (this.partial.get(taskId) ?? '') + Buffer.from(chunk).toString('utf8');
    const lines = text.split('\n');
    this.partial.set(taskId, lines.pop() ?? '');
    for (const raw of lines) {
      const line = stripAnsi(raw).replace(/\r/g, '');
      if (line.trim() === '') continue;
      const cut = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
      this.write(`  ${taskId} │ ${cut}\n`);
    }
  }

  warning(message: string): void {
    this.write(`warning: ${message}\n`);
  }

  runFinished(s: RunSummary, end: RunEnd = {}): void {
    const merged = s.tasks.filter((t) => t.status === 'merged').length;
    // The report has every task and its problems; without one, the short table stands in.
    if (end.report) this.write(`\n${end.report.markdown.trimEnd()}\n`);
    this.write(`\n${s.ok ? 'Done' : 'Finished with problems'}: ${merged}/${s.tasks.length} task(s) merged in ${(s.elapsedMs / 1000).toFixed(1)}s, cost $${s.costUsd.toFixed(4)}\n`);
    if (!end.report) {
      for (const t of s.tasks.filter((x) => x.status !== 'merged')) this.write(`  ${t.id} ${t.status}: ${t.error ?? ''}\n`);
      for (const t of s.tasks) this.write(`  ${t.id.padEnd(16)} ${t.status.padEnd(8)} ${(t.agent ?? '-').padEnd(14)} $${(t.costUsd ?? 0).toFixed(4)}\n`);
    }
    for (const a of s.agents) this.write(`  agent ${a.agent}: ${a.tasks} task(s), $${a.costUsd.toFixed(4)}\n`);
    if (end.report) this.write(`Report: ${end.report.path}\n`);
    if (end.keptRefs) this.write(`Unmerged results kept on ${end.keptRefs.join(', ')} (claudecluster clean --run ${s.runId} removes them)\n`);
    if (end.pullRequest) this.pullRequest(end.pullRequest, s.branch);
    this.write(`Result branch: ${s.branch}   (git log ${s.branch})\n`);
  }

  private pullRequest(pr: PullRequestOutcome, branch: string): void {
    if (pr.status === 'created') {
      this.write(`Pull request: ${pr.url ?? `opened for ${branch}`} (pushed to ${pr.remote})\n`);
      return;
    }
    const pushed = pr.status === 'pushed' ? `pushed ${branch} to ${pr.remote}, but ` : '';
    this.write(`No pull request: ${pushed}${pr.reason ?? 'not opened'}.\n`);
    if (pr.instructions?.length) this.write(`To open it yourself, run:\n${pr.instructions.map((c) => `  ${c}\n`).join('')}`);
  }
}
