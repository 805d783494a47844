/**
 * App-wide hardening (Electron's security checklist): every web contents refuses navigation,
 * new windows and <webview>; https links go to the system browser; the session grants no
 * permission; responses carry the CSP. Call `hardenApp` before `ready`, `hardenSession` after.
 */
import { app, session, shell, type Session } from 'electron';
import { CONTENT_SECURITY_POLICY, externalUrl, isAppUrl } from './url-policy.js';

function openOutside(url: string, log: (line: string) => void): void {
  const external = externalUrl(url);
  if (!external) { log(`refused to open ${url}`); return; }
  shell.openExternal(external).catch((err: unknown) => log(`could not open ${external}: ${String(err)}`));
}

export function hardenApp(log: (line: string) => void): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      event.preventDefault();
      openOutside(event.url, log);
    });
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      openOutside(url, log);
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

export function hardenSession(ses: Session = session.defaultSession): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // The app scheme sets the CSP itself; this covers any other response, should one ever load.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}
