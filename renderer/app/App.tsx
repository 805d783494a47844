/** The window: header, the current view, and what floats above it. */
import { useApp } from './contexts.js';
import { useGoalDrop } from './use-goal-drop.js';
import { useShortcuts } from './use-shortcuts.js';
import { useTheme } from './use-theme.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { DropOverlay } from '../components/DropOverlay.js';
import { GoalFileInput } from '../components/GoalFileInput.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { LogDialog } from '../components/LogDialog.js';
import { Toasts } from '../components/Toasts.js';
import { TopBar } from '../components/TopBar.js';
import { AgentsPage } from '../views/agents/AgentsPage.js';
import { HistoryPage } from '../views/history/HistoryPage.js';
import { RunPage } from '../views/run/RunPage.js';
import { SettingsPage } from '../views/settings/SettingsPage.js';
import { TerminalsPage } from '../views/terminals/TerminalsPage.js';

export function App() {
  useTheme();
  useShortcuts();
  const dragging = useGoalDrop();
  const view = useApp((s) => s.view);
  return (
    <div className="app">
      <TopBar />
      <ConnectionBanner />
      <main className="main" data-view={view}>
        {view === 'run' ? <RunPage /> : null}
        <TerminalsPage visible={view === 'terminals'} />
        {view === 'agents' ? <AgentsPage /> : null}
        {view === 'history' ? <HistoryPage /> : null}
        {view === 'settings' ? <SettingsPage /> : null}
      </main>
      <GoalFileInput />
      <DropOverlay visible={dragging} />
      <LogDialog />
      <HelpOverlay />
      <Toasts />
    </div>
  );
}
