/** Everything about one task: facts, actions, and its changes, prompt, transcript and verify output. */
import { useEffect, useState } from 'react';
import type { TaskView } from '../../../shared/bridge/views.js';
import { shortId } from '../../../shared/short-id.js';
import { useApp } from '../../app/contexts.js';
import { formatCost, formatDuration } from '../../logic/format.js';
import { canCancel, canRetry, isActive } from '../../logic/task-status.js';
import { DiffView } from './DiffView.js';

type Tab = 'changes' | 'prompt' | 'transcript' | 'verify';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'changes', label: 'Changes' },
  { id: 'prompt', label: 'Prompt' },
  { id: 'transcript', label: 'Transcript' },
  { id: 'verify', label: 'Verify output' },
];

export function TaskDetailPanel({ runId, task, statusDetail, readOnly }: { runId: string; task: TaskView; statusDetail?: string | undefined; readOnly: boolean }) {
  const detail = useApp((s) => (s.detail?.runId === runId && s.detail.taskId === task.id ? s.detail : null));
  const load = useApp((s) => s.loadTaskDetail);
  const close = useApp((s) => s.selectTask);
  const [tab, setTab] = useState<Tab>('changes');
  // Read again whenever the task moves on: a merge brings its diff, a failure its output.
  useEffect(() => {
    void load(runId, task.id);
  }, [load, runId, task.id, task.status]);
  const data = detail?.data;
  return (
    <aside className="detail" data-testid="task-detail" data-task-id={task.id} aria-label={`Task ${task.id}`}>
      <header className="detail-header">
        <div>
          <h2>{task.title}</h2>
          <div className="muted"><code>{task.id}</code> · <span className={`status status-${task.status}`}>{task.status}</span>{task.agent ? ` · on ${task.agent}` : ''}</div>
        </div>
        <button type="button" className="icon-button" aria-label="Close task detail" onClick={() => close(null)}>×</button>
      </header>
      {readOnly ? null : <TaskActions runId={runId} task={task} />}
      <Facts task={task} statusDetail={statusDetail} />
      <div className="tabs tabs-small" role="tablist" aria-label="Task detail">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'tab tab-active' : 'tab'} data-testid={`detail-tab-${t.id}`} onClick={() => setTab(t.id)}>{t.label}</button>
        ))}
      </div>
      <div className="detail-body" role="tabpanel">
        {detail?.error ? <p className="error-text">Could not read the task's detail: {detail.error}</p> : null}
        {!data && !detail?.error ? <p className="muted">Reading…</p> : null}
        {data && tab === 'changes' ? <DiffView files={data.files} /> : null}
        {data && tab === 'prompt' ? <pre className="text-block" data-testid="task-prompt">{data.prompt}</pre> : null}
        {data && tab === 'transcript' ? <TextOr text={data.transcript} none="No transcript yet: Claude Code's last answer shows here once it has one." testId="task-transcript" /> : null}
        {data && tab === 'verify' ? <TextOr text={data.verifyOutput} none="The verify command has not run for this task." testId="task-verify" /> : null}
      </div>
    </aside>
  );
}

function TaskActions({ runId, task }: { runId: string; task: TaskView }) {
  const cancel = useApp((s) => s.cancelTask);
  const retry = useApp((s) => s.retryTask);
  const openLog = useApp((s) => s.openLog);
  const focusPane = useApp((s) => s.focusPane);
  const setView = useApp((s) => s.setView);
  const hasPane = useApp((s) => s.live?.run.runId === runId && s.live.panes.includes(task.id));
  return (
    <div className="actions">
      {hasPane ? <button type="button" data-testid="show-terminal" onClick={() => { setView('terminals'); focusPane(task.id); }}>Show terminal</button> : null}
      {canCancel(task.status) ? <button type="button" className="danger" data-testid="cancel-task" onClick={() => void cancel(task.id)}>Cancel task</button> : null}
      {canRetry(task.status) ? <button type="button" data-testid="retry-task" onClick={() => void retry(task.id)}>Retry</button> : null}
      {task.agent || isActive(task.status) ? <button type="button" onClick={() => void openLog(task.id)}>Full log</button> : null}
    </div>
  );
}

function Facts({ task, statusDetail }: { task: TaskView; statusDetail?: string | undefined }) {
  const facts: [string, string][] = [];
  if (statusDetail) facts.push(['Status', statusDetail]);
  if (task.attempts !== undefined) facts.push(['Attempts', String(task.attempts)]);
  if (task.costUsd !== undefined) facts.push(['Cost', formatCost(task.costUsd)]);
  if (task.turns !== undefined) facts.push(['Turns', String(task.turns)]);
  if (task.durationMs !== undefined) facts.push(['Time', formatDuration(task.durationMs)]);
  if (task.verify) facts.push(['Verify', task.verify]);
  if (task.after?.length) facts.push(['After', task.after.join(', ')]);
  if (task.base) facts.push(['Base', shortId(task.base)]);
  if (task.commit) facts.push(['Commit', shortId(task.commit)]);
  if (task.conflicts?.length) facts.push(['Conflicts', task.conflicts.join(', ')]);
  return (
    <>
      {task.error ? <p className="error-text" data-testid="task-error">{task.error}</p> : null}
      <dl className="facts">
        {facts.map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
        ))}
      </dl>
    </>
  );
}

function TextOr({ text, none, testId }: { text: string | undefined; none: string; testId: string }) {
  return text ? <pre className="text-block" data-testid={testId}>{text}</pre> : <p className="muted" data-testid={testId}>{none}</p>;
}
