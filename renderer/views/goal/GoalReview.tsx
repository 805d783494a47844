/**
 * The goal before it runs: what is wrong with it (with line numbers), or the tasks it will run;
 * its text stays editable, and Start runs it.
 */
import { useRef } from 'react';
import type { GoalProblem } from '../../../shared/bridge/contract.js';
import { useApp } from '../../app/contexts.js';
import type { CheckedGoal, GoalPhase } from '../../store/goal-slice.js';
import { formatDuration } from '../../logic/format.js';
import { TaskGraph } from '../run/TaskGraph.js';
import { PlanTerminal } from './PlanTerminal.js';

const BUSY_TEXT: Partial<Record<GoalPhase, string>> = {
  checking: 'Checking the goal…',
  planning: 'Planning: Claude Code is writing a task list for this goal (read-only, on an agent)…',
  starting: 'Starting the run…',
};

export function GoalReview() {
  const goal = useApp((s) => s.goal);
  const editGoal = useApp((s) => s.editGoal);
  const checkGoal = useApp((s) => s.checkGoal);
  const planGoal = useApp((s) => s.planGoal);
  const startRun = useApp((s) => s.startRun);
  const discard = useApp((s) => s.discardGoal);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const busy = BUSY_TEXT[goal.phase];
  const checked = goal.checked;
  const canStart = goal.phase === 'review' && checked?.hasTaskList === true;
  const estimated = checked?.tasks.some((t) => t.estimateMs !== undefined) ?? false;
  const showLine = (line: number): void => selectLine(textRef.current, goal.text, line);
  return (
    <div className="goal-page" data-testid="goal-review" data-phase={goal.phase}>
      <header className="run-header">
        <div className="run-title">
          <h1>{checked?.title ?? goal.name}</h1>
          <div className="muted">
            {goal.name}
            {checked?.base ? <> · base <code>{checked.base}</code></> : null}
            {checked?.verify ? <> · verify <code>{checked.verify}</code></> : null}
            {checked?.budgetUsd !== undefined ? <> · budget ${checked.budgetUsd}</> : null}
          </div>
        </div>
        <div className="run-stats">
          <button type="button" onClick={discard}>Discard</button>
          <button type="button" onClick={() => void checkGoal()} disabled={busy !== undefined}>Check again</button>
          {checked && !checked.hasTaskList ? <button type="button" onClick={() => void planGoal()} disabled={busy !== undefined}>Plan tasks</button> : null}
          <button type="button" className="primary" data-testid="start-run" disabled={!canStart} onClick={() => void startRun()} title="Start the run (Ctrl/⌘+Enter)">
            Start run
          </button>
        </div>
      </header>
      {busy ? <p className="banner banner-info" role="status" data-testid="goal-busy">{busy}</p> : null}
      {goal.phase === 'planning' && goal.planId ? <PlanTerminal planId={goal.planId} /> : null}
      {goal.error ? <p className="banner banner-error" role="alert" data-testid="goal-error">{goal.error}</p> : null}
      {goal.problems.length > 0 ? <Problems name={goal.name} problems={goal.problems} onShow={showLine} /> : null}
      {goal.edited ? <p className="banner banner-info">The text changed since it was checked: <button type="button" className="link" onClick={() => void checkGoal()}>check it again</button> to see its tasks (Start checks it too).</p> : null}
      <div className="goal-columns">
        <section className="card">
          <h2>Tasks{checked ? ` (${checked.tasks.length})` : ''}</h2>
          {checked && checked.tasks.length > 0 ? (
            <>
              <TaskGraph tasks={checked.tasks.map((t) => ({ ...t, status: 'waiting' as const }))} selectedId={null} onSelect={() => undefined} critical={checked.criticalPath.ids} />
              <CriticalPath checked={checked} />
              <table className="table" data-testid="goal-tasks">
                <thead><tr><th>Id</th><th>Title</th><th>After</th>{estimated ? <th>Estimate</th> : null}</tr></thead>
                <tbody>
                  {checked.tasks.map((t) => (
                    <tr key={t.id} data-task-id={t.id}>
                      <td><code>{t.id}</code></td><td>{t.title}</td><td>{t.after.join(', ') || '—'}</td>
                      {estimated ? <td>{t.estimateMs !== undefined ? formatDuration(t.estimateMs) : '—'}</td> : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p className="muted">{checked && !checked.hasTaskList ? 'This goal has no task list yet.' : 'The tasks show here once the goal checks out.'}</p>
          )}
        </section>
        <section className="card">
          <label htmlFor="goal-text"><h2>Goal text</h2></label>
          <textarea id="goal-text" ref={textRef} data-testid="goal-text" className="goal-text" spellCheck={false} value={goal.text} onChange={(e) => editGoal(e.target.value)} />
        </section>
      </div>
    </div>
  );
}

/** The longest chain of tasks, drawn heavier in the graph: with enough slots, the run takes about its length. */
function CriticalPath({ checked }: { checked: CheckedGoal }) {
  const { ids, estimateMs } = checked.criticalPath;
  if (ids.length < 2) return null;
  return (
    <p className="muted" data-testid="goal-critical-path">
      Critical path: {ids.join(' → ')} ({ids.length} tasks{estimateMs !== undefined ? `, about ${formatDuration(estimateMs)}` : ''})
      {checked.workMs !== undefined ? ` · work in all about ${formatDuration(checked.workMs)}` : ''}
    </p>
  );
}

function Problems({ name, problems, onShow }: { name: string; problems: readonly GoalProblem[]; onShow(line: number): void }) {
  return (
    <section className="banner banner-error" role="alert">
      <strong>The goal cannot start as it is:</strong>
      <ul className="problems" data-testid="goal-problems">
        {problems.map((p, i) => (
          <li key={i} data-line={p.line}>
            {p.line > 0 ? (
              <button type="button" className="link" onClick={() => onShow(p.line)} title="Show the line">{`${name}:${p.line}`}</button>
            ) : (
              <span>{name}</span>
            )}
            {`: ${p.message}`}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Puts the cursor on a 1-based line of the goal text and scrolls it into view. */
function selectLine(area: HTMLTextAreaElement | null, text: string, line: number): void {
  if (!area) return;
  const lines = text.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const end = start + (lines[line - 1]?.length ?? 0);
  area.focus();
  area.setSelectionRange(start, end);
  const lineHeight = area.scrollHeight / Math.max(1, lines.length);
  area.scrollTop = Math.max(0, (line - 3) * lineHeight);
}
