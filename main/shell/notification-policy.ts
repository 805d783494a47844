/**
 * Which bridge events become desktop notifications, and their text: a task that needs input, a
 * task that failed, a run that finished. A task is announced once per status it enters, not on
 * every update while it stays there. Pure (no `electron` import).
 */
import type { BridgeEventPayload } from '../../shared/bridge/contract.js';

export interface DesktopNote {
  title: string;
  body: string;
  runId: string;
  taskId?: string;
}

/** Longest body a notification gets; the system truncates worse, and mid-word. */
export const MAX_NOTE_BODY_CHARS = 200;

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= MAX_NOTE_BODY_CHARS ? one : `${one.slice(0, MAX_NOTE_BODY_CHARS - 1)}…`;
}

export class NotificationPolicy {
  /** The last status seen per `run/task`. */
  private readonly last = new Map<string, string>();

  onTaskStatus(p: BridgeEventPayload<'task.status'>): DesktopNote | undefined {
    const key = `${p.runId}/${p.task.id}`;
    const previous = this.last.get(key);
    this.last.set(key, p.task.status);
    if (previous === p.task.status) return undefined;
    const who = `${p.task.id}: ${p.task.title}`;
    if (p.task.status === 'needs-input') {
      return { title: 'A task needs your input', body: clip(p.detail ? `${who} — ${p.detail}` : who), runId: p.runId, taskId: p.task.id };
    }
    if (p.task.status === 'failed') {
      const why = p.task.error ?? p.detail;
      return { title: 'A task failed', body: clip(why ? `${who} — ${why}` : who), runId: p.runId, taskId: p.task.id };
    }
    return undefined;
  }

  onRunFinished(p: BridgeEventPayload<'run.finished'>): DesktopNote {
    const run = p.run;
    for (const key of [...this.last.keys()]) if (key.startsWith(`${run.runId}/`)) this.last.delete(key);
    const merged = run.tasks.filter((t) => t.status === 'merged').length;
    const title = run.status === 'ok' ? 'Run finished' : `Run ${run.status}`;
    const body = `${run.goalTitle}: ${merged} of ${run.tasks.length} tasks merged into ${run.branch}`;
    return { title, body: clip(body), runId: run.runId };
  }
}
