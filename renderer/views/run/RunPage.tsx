/** The Run view: the goal being readied, a past run opened from History, the live run, or how to start. */
import { useMemo } from 'react';
import { useApp } from '../../app/contexts.js';
import { useNow } from '../../app/use-now.js';
import { LIVE_RUN_STATUSES } from '../../logic/task-status.js';
import { elapsedOf, tasksOf, type LiveRun } from '../../store/run-slice.js';
import { GoalReview } from '../goal/GoalReview.js';
import { NoRun } from './NoRun.js';
import { RunBody } from './RunBody.js';

const NO_DETAILS: Record<string, string> = {};

export function RunPage() {
  const goalActive = useApp((s) => s.goal.phase !== 'idle');
  const opened = useApp((s) => s.history.opened);
  const live = useApp((s) => s.live);
  if (goalActive) return <GoalReview />;
  if (opened && opened.runId !== live?.run.runId) {
    return <RunBody run={opened} tasks={opened.tasks} details={NO_DETAILS} elapsedMs={opened.elapsedMs} readOnly />;
  }
  if (live) return <LiveRunBody live={live} />;
  return <NoRun />;
}

function LiveRunBody({ live }: { live: LiveRun }) {
  // Without the driver nothing is known to go on: the clock stops with the connection.
  const connected = useApp((s) => s.connection.state !== 'disconnected');
  const now = useNow(connected && LIVE_RUN_STATUSES.has(live.run.status));
  const tasks = useMemo(() => tasksOf(live), [live]);
  return <RunBody run={live.run} tasks={tasks} details={live.details} elapsedMs={elapsedOf(live, now)} readOnly={false} />;
}
