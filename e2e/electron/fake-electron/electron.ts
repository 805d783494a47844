/**
 * A stand-in for the `electron` module, for running the desktop shell's main process under plain
 * Node (see hooks.ts): the leaf faked so the shell's wiring, the real app service, the real local
 * agent and the real preload bundle can be tested together where no Electron binary exists.
 * Only what main/shell and electron-store use is here. A window "loads" its page by running its
 * preload in a sandbox-like VM context whose ipcRenderer is wired to this ipcMain, so `page`
 * is what the renderer would see as `window[BRIDGE_GLOBAL]`.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

export class FakeEvent {
  defaultPrevented = false;
  [key: string]: unknown;
  constructor(fields: Record<string, unknown> = {}) { Object.assign(this, fields); }
  preventDefault(): void { this.defaultPrevented = true; }
}

/** Everything the shell did that a test may want to see, in order. */
export const record: { calls: string[]; errors: string[]; notifications: Array<{ title: string; body: string }>; opened: string[]; menu: unknown } = {
  calls: [], errors: [], notifications: [], opened: [], menu: undefined,
};

let isReady = false;
let readyResolve!: () => void;
const readyPromise = new Promise<void>((r) => { readyResolve = r; });
let quitResolve!: (code: number) => void;
/** Resolves with the exit code once the app has quit (or exited). */
export const quitted = new Promise<number>((r) => { quitResolve = r; });

class FakeApp extends EventEmitter {
  isPackaged = false;
  private readonly paths = new Map<string, string>();
  enableSandbox(): void { record.calls.push(`enableSandbox${isReady ? ' (after ready!)' : ''}`); }
  whenReady(): Promise<void> { return readyPromise; }
  isReady(): boolean { return isReady; }
  setPath(name: string, path: string): void { this.paths.set(name, path); }
  getPath(name: string): string {
    const path = this.paths.get(name);
    if (!path) throw new Error(`fake electron: no path ${name} set (pass --data-dir)`);
    return path;
  }
  getName(): string { return 'ClaudeCluster'; }
  getVersion(): string { return '0.0.0'; }
  requestSingleInstanceLock(): boolean { return true; }
  setAboutPanelOptions(): void {}
  setAppUserModelId(): void {}
  quit(): void {
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    for (const w of BrowserWindow.getAllWindows()) w.destroy();
    this.emit('will-quit', new FakeEvent());
    this.emit('quit', new FakeEvent(), 0);
    quitResolve(0);
  }
  exit(code = 0): void { quitResolve(code); }
}
export const app = new FakeApp();

/** Makes the app ready, as Electron does once it has started. */
export function makeReady(): void {
  isReady = true;
  readyResolve();
  app.emit('ready');
}

type Handler = (...args: never[]) => unknown;
export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    if (isReady) throw new Error('registerSchemesAsPrivileged after ready');
    record.calls.push('registerSchemesAsPrivileged');
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response): void { this.handlers.set(scheme, handler); },
};

export const session = {
  defaultSession: {
    handlers: {} as Record<string, Handler>,
    setPermissionRequestHandler(h: Handler): void { this.handlers['permissionRequest'] = h; },
    setPermissionCheckHandler(h: Handler): void { this.handlers['permissionCheck'] = h; },
    setDevicePermissionHandler(h: Handler): void { this.handlers['devicePermission'] = h; },
    webRequest: { onHeadersReceived(h: Handler): void { session.defaultSession.handlers['headersReceived'] = h; } },
  },
};

export const ipcMain = new EventEmitter();

let nextContentsId = 1;

export class WebContents extends EventEmitter {
  readonly id = nextContentsId++;
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  /** What the page sees as `window[key]`, filled by the preload. */
  readonly page: Record<string, unknown> = {};
  /** The preload's ipcRenderer listeners. */
  readonly rendererListeners: Array<{ channel: string; fn: (event: unknown, message: unknown) => void }> = [];
  /** What the page's frame says in IPC messages; a test may pose as another frame. */
  frame: { url: string; parent: unknown } = { url: '', parent: null };

  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void { this.windowOpenHandler = h; }
  isDestroyed(): boolean { return this.destroyed; }
  send(channel: string, message: unknown): void {
    if (this.destroyed) throw new Error('send to a destroyed webContents');
    const copy = structuredClone(message);
    for (const l of this.rendererListeners) if (l.channel === channel) l.fn({}, copy);
  }
  /** A message from this page's preload to the main process, as Electron delivers it. */
  sendFromPage(channel: string, message: unknown, frame = this.frame): void {
    ipcMain.emit(channel, { sender: this, senderFrame: frame }, structuredClone(message));
  }
  load(url: string, preload: string | undefined): void {
    this.url = url;
    this.frame = { url, parent: null };
    this.emit('did-start-navigation', new FakeEvent({ url, isMainFrame: true, isSameDocument: false }));
    if (preload) runPreload(this, preload);
    this.emit('did-finish-load');
  }
}

function runPreload(contents: WebContents, file: string): void {
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => { contents.page[key] = api; } },
    ipcRenderer: {
      send: (channel: string, message: unknown) => contents.sendFromPage(channel, message),
      on: (channel: string, fn: (event: unknown, message: unknown) => void) => { contents.rendererListeners.push({ channel, fn }); },
    },
  };
  const { URL: Url, TextEncoder: Enc, TextDecoder: Dec, setTimeout: st, clearTimeout: ct, queueMicrotask: qm, structuredClone: sc } = globalThis;
  const context = vm.createContext({
    require: (id: string) => {
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    },
    console, URL: Url, TextEncoder: Enc, TextDecoder: Dec, setTimeout: st, clearTimeout: ct, queueMicrotask: qm, structuredClone: sc,
  }, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext(readFileSync(file, 'utf8'), context, { filename: file });
}

export class BrowserWindow extends EventEmitter {
  private static readonly all: BrowserWindow[] = [];
  readonly webContents = new WebContents();
  destroyed = false;
  shown = false;
  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    BrowserWindow.all.push(this);
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  static getAllWindows(): BrowserWindow[] { return BrowserWindow.all.filter((w) => !w.destroyed); }
  static getFocusedWindow(): BrowserWindow | null { return null; }
  loadURL(url: string): Promise<void> {
    this.webContents.load(url, this.options.webPreferences?.['preload'] as string | undefined);
    queueMicrotask(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show(): void { this.shown = true; }
  focus(): void {}
  isMinimized(): boolean { return false; }
  restore(): void {}
  isDestroyed(): boolean { return this.destroyed; }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
  }
}

export class Notification extends EventEmitter {
  static isSupported(): boolean { return true; }
  constructor(private readonly options: { title: string; body: string }) { super(); }
  show(): void { record.notifications.push({ title: this.options.title, body: this.options.body }); }
}

export const Menu = {
  buildFromTemplate: (template: unknown) => ({ template }),
  setApplicationMenu: (menu: unknown) => { record.menu = menu; },
};

export const dialog = {
  showErrorBox: (title: string, message: string) => { record.errors.push(`${title}: ${message}`); },
  showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
  showMessageBox: () => Promise.resolve({ response: 0 }),
};

export const shell = {
  openExternal: (url: string) => { record.opened.push(url); return Promise.resolve(); },
  openPath: () => Promise.resolve(''),
};

export default { app, protocol, session, ipcMain, BrowserWindow, Notification, Menu, dialog, shell };
