/** The first screen: where a goal comes from (drop, pick, paste), and agents if there are none. */
import { useState } from 'react';
import { useApp } from '../../app/contexts.js';
import { openGoalPicker, PASTED_GOAL_NAME } from '../../app/goal-file.js';
import { EmptyState } from '../../components/EmptyState.js';

export function NoRun() {
  const openGoal = useApp((s) => s.openGoal);
  const noAgents = useApp((s) => s.agentsLoaded && s.agents.length === 0 && (s.settings?.localSlots ?? 0) === 0);
  const setView = useApp((s) => s.setView);
  const [pasted, setPasted] = useState('');
  return (
    <EmptyState title="No run yet" testId="no-run">
      <div className="drop-zone" data-testid="drop-zone" role="region" aria-label="Drop a goal file here">
        <p className="drop-zone-main">Drop a goal file anywhere in this window</p>
        <p className="muted">A Markdown goal: free text, and optionally a <code>## Tasks</code> list with <code>after:</code> dependencies. Without one, Claude Code plans the tasks for you to review.</p>
        <button type="button" onClick={openGoalPicker}>Open goal…</button>
      </div>
      <form
        className="paste-goal"
        onSubmit={(e) => {
          e.preventDefault();
          if (pasted.trim() !== '') void openGoal(PASTED_GOAL_NAME, pasted);
        }}
      >
        <label htmlFor="goal-paste">…or paste a goal's Markdown</label>
        <textarea id="goal-paste" data-testid="goal-paste" rows={6} value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder={'# Add dark mode\n\n## Tasks\n- theme: Add a theme switch\n- docs: Document it (after: theme)'} />
        <button type="submit" disabled={pasted.trim() === ''}>Check goal</button>
      </form>
      {noAgents ? (
        <p className="muted">
          No agents yet: see <button type="button" className="link" onClick={() => setView('agents')}>Agents</button> to pair one, or set local slots in Settings.
        </p>
      ) : null}
    </EmptyState>
  );
}
