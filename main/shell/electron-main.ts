/**
 * The desktop app's entry point (package.json `main`): hardens Electron, starts the app service
 * (driver core and the local agent) and wires it to the window, the menu and notifications.
 * Everything it shows is the renderer, served on `app://claudecluster/` and reached through the
 * bridge; command line and environment: see launch-options.ts.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, Menu, shell } from 'electron';
import { VERSION } from '../../shared/version.js';
import { startAppService, type AppService } from '../app/service.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { IpcBridge } from './ipc-bridge.js';
import { parseLaunchOptions } from './launch-options.js';
import { menuTemplate } from './menu-template.js';
import { startNotifications, type NotificationsHandle } from './notifications.js';
import { openGoal, pageTakesOpenedGoals } from './open-goal.js';
import { hardenApp, hardenSession } from './security.js';
import { createElectronSettings } from './settings-electron.js';
import { APP_ENTRY_URL } from './url-policy.js';
import { createAppWindow } from './window.js';

const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const DEV_ICON = fileURLToPath(new URL('../../../build/icon.png', import.meta.url));
const APP_TITLE = 'ClaudeCluster';
/** electron-builder.yml's `appId` (check:electron compares them): Windows shows notifications only for it. */
const APP_ID = 'dev.claudecluster.app';

const log = (line: string): void => console.error(`claudecluster: ${line}`);
const dev = !app.isPackaged;
const launch = parseLaunchOptions(process.argv.slice(1), process.env, app.isPackaged, process.cwd());
for (const warning of launch.warnings) log(warning);
if (launch.dataDir) app.setPath('userData', launch.dataDir);
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

// Before `ready`: these must hold for every web contents the app ever creates.
app.enableSandbox();
registerAppScheme();
hardenApp(log);

let service: AppService | undefined;
let bridge: IpcBridge | undefined;
let notifications: NotificationsHandle | undefined;
let stopping: Promise<void> | undefined;

function openWindow(): BrowserWindow {
  const win = createAppWindow({
    preload: PRELOAD,
    url: APP_ENTRY_URL,
    dev,
    title: APP_TITLE,
    ...(dev && existsSync(DEV_ICON) ? { icon: DEV_ICON } : {}),
  });
  bridge?.attach(win);
  return win;
}

function currentWindow(): BrowserWindow {
  const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0] ?? openWindow();
  if (win.isMinimized()) win.restore();
  win.focus();
  return win;
}

async function start(): Promise<void> {
  await app.whenReady();
  hardenSession();
  serveRenderer(RENDERER_DIR, log);
  app.setAboutPanelOptions({ applicationName: APP_TITLE, applicationVersion: VERSION });
  const settings = createElectronSettings(log);
  service = await startAppService({
    dataDir: app.getPath('userData'),
    repo: launch.repo,
    settings,
    shell: 'electron',
    mdns: launch.mdns,
    localAgent: true,
    ...(launch.localAgentArgs ? { localAgentArgs: launch.localAgentArgs } : {}),
  });
  bridge = new IpcBridge(service, log);
  notifications = startNotifications(service, () => currentWindow(), log);
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ dev, platform: process.platform, appName: APP_TITLE, nativeOpenGoal: pageTakesOpenedGoals() }, {
    openGoal: () => {
      const win = currentWindow();
      openGoal(win, (w, message) => bridge?.notify(w, message)).catch((err: unknown) => dialog.showErrorBox('Could not open the goal', String(err)));
    },
    openDataFolder: () => void shell.openPath(app.getPath('userData')),
  })));
  openWindow();
}

/** Stops notifications, the bridge and the service (with the local agent), once. */
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    notifications?.stop();
    bridge?.dispose();
    await service?.stop();
  })();
  return stopping;
}

if (!app.requestSingleInstanceLock()) {
  // Another instance holds this data folder; it shows its window instead (`second-instance`).
  app.quit();
} else {
  app.on('second-instance', () => currentWindow());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (service && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('before-quit', (event) => {
    if (!service) return; // Nothing running, or already stopped: quit now.
    // Hold the quit until the local agent and the driver have stopped, then quit for real.
    event.preventDefault();
    if (stopping) return;
    stopAll().catch((err: unknown) => log(`stopping: ${String(err)}`)).finally(() => {
      service = undefined;
      app.quit();
    });
  });
  start().catch((err: unknown) => {
    log(`could not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    dialog.showErrorBox('ClaudeCluster could not start', err instanceof Error ? err.message : String(err));
    void stopAll().finally(() => app.exit(1));
  });
}
