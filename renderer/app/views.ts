/** The views' names as the navigation shows them. */
import type { View } from '../logic/shortcuts.js';

export const VIEW_LABELS: Record<View, string> = {
  run: 'Run',
  terminals: 'Terminals',
  agents: 'Agents',
  history: 'History',
  settings: 'Settings',
};
