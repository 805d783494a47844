/** The app window, with Electron's security checklist applied to its web preferences. */
import { BrowserWindow } from 'electron';

export interface WindowOptions {
  preload: string;
  url: string;
  dev: boolean;
  title: string;
  icon?: string;
}

/** Size of a new window, and the least it may shrink to, in DIPs. */
const WINDOW_SIZE = { width: 1400, height: 900, minWidth: 800, minHeight: 500 } as const;

export function createAppWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...WINDOW_SIZE,
    title: opts.title,
    show: false,
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // A middle click must not open anything either.
      disableBlinkFeatures: 'Auxclick',
      devTools: opts.dev,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.url);
  return win;
}
