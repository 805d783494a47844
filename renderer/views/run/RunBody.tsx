/** A run, live or past: header, graph, tasks, the selected task's detail, and the report. */
import type { RunView, TaskView } from '../../../shared/bridge/views.js';
import { useApp } from '../../app/contexts.js';
import { TaskDetailPanel } from '../task/TaskDetailPanel.js';
import { RunHeader } from './RunHeader.js';
import { StatusLegend, TaskGraph } from './TaskGraph.js';
import { TaskTable } from './TaskTable.js';

export interface RunBodyProps {
  run: RunView;
  tasks: readonly TaskView[];
  details: Record<string, string>;
  elapsedMs: number;
  readOnly: boolean;
}

export function RunBody({ run, tasks, details, elapsedMs, readOnly }: RunBodyProps) {
  const selectedId = useApp((s) => s.selectedTaskId);
  const select = useApp((s) => s.selectTask);
  const selected = tasks.find((t) => t.id === selectedId);
  return (
    <div className="run-page" data-testid={readOnly ? 'past-run' : 'live-run'} data-run-id={run.runId}>
      <RunHeader run={run} tasks={tasks} elapsedMs={elapsedMs} readOnly={readOnly} />
      <div className={selected ? 'run-main run-main-with-detail' : 'run-main'}>
        <div className="run-content">
          <section className="card">
            <div className="card-title">
              <h2>Task graph</h2>
              <StatusLegend />
            </div>
            <TaskGraph tasks={tasks} selectedId={selectedId} onSelect={(id) => select(id === selectedId ? null : id)} />
          </section>
          <section className="card">
            <TaskTable tasks={tasks} details={details} selectedId={selectedId} readOnly={readOnly} />
          </section>
          {run.report ? (
            <section className="card" data-testid="run-report">
              <h2>Report</h2>
              <pre className="text-block report">{run.report}</pre>
            </section>
          ) : null}
        </div>
        {selected ? <TaskDetailPanel runId={run.runId} task={selected} statusDetail={details[selected.id]} readOnly={readOnly} /> : null}
      </div>
    </div>
  );
}
