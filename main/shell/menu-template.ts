/**
 * The application menu as data. Reload and developer tools exist only in development builds.
 * Only a type comes from `electron`, so plain Node tests can read the template.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openGoal(): void;
  openDataFolder(): void;
}

export interface MenuOptions {
  dev: boolean;
  /** `process.platform`: macOS puts Quit and About in the application menu. */
  platform: string;
  appName: string;
  /**
   * Whether File ▸ Open Goal… can hand the goal to the page (the contract has `goal.opened`).
   * Until then its shortcut is left to the page's own Ctrl/⌘+O picker.
   */
  nativeOpenGoal: boolean;
}

export function menuTemplate(opts: MenuOptions, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const menus: MenuItemConstructorOptions[] = [];
  if (mac) {
    menus.push({ label: opts.appName, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] });
  }
  menus.push({
    label: '&File',
    submenu: [
      { id: 'open-goal', label: 'Open Goal…', accelerator: 'CmdOrCtrl+O', registerAccelerator: opts.nativeOpenGoal, click: () => actions.openGoal() },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  });
  // Without the Edit roles, copy and paste shortcuts do nothing on macOS.
  menus.push({ label: '&Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] });
  menus.push({
    label: '&View',
    submenu: [
      ...(opts.dev ? [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const] : []),
      { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
    ],
  });
  if (mac) menus.push({ role: 'windowMenu' });
  menus.push({
    role: 'help',
    submenu: [
      { id: 'open-data-folder', label: 'Open Data Folder', click: () => actions.openDataFolder() },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'about' } as const]),
    ],
  });
  return menus;
}
