/**
 * Desktop notifications: a task that needs input, a task that failed, a finished run. The shell
 * listens like any other bridge client (one internal client of the app service); clicking a
 * notification brings the window forward.
 */
import { Notification } from 'electron';
import { createBridgeClient } from '../../shared/bridge/adapter.js';
import type { AppService } from '../app/service.js';
import { NotificationPolicy, type DesktopNote } from './notification-policy.js';

export interface NotificationsHandle {
  stop(): void;
}

export function startNotifications(service: AppService, onClick: (note: DesktopNote) => void, log: (line: string) => void): NotificationsHandle {
  const policy = new NotificationPolicy();
  let serviceClient: ReturnType<AppService['openClient']> | undefined;
  const client = createBridgeClient((message) => {
    serviceClient?.receive(message).catch((err: unknown) => log(`notifications: ${String(err)}`));
  });
  serviceClient = service.openClient((message) => {
    const dropped = client.receive(message);
    if (dropped !== undefined) log(`notifications: dropped a message: ${dropped}`);
  });
  // Kept so a shown notification is not garbage-collected before the user clicks it.
  const shown = new Set<Notification>();
  const show = (note: DesktopNote | undefined): void => {
    if (!note || !Notification.isSupported()) return;
    const n = new Notification({ title: note.title, body: note.body });
    shown.add(n);
    n.on('click', () => onClick(note));
    n.on('close', () => shown.delete(n));
    n.show();
  };
  const offs = [
    client.api.on('task.status', (p) => show(policy.onTaskStatus(p))),
    client.api.on('run.finished', (p) => show(policy.onRunFinished(p))),
  ];
  return {
    stop() {
      for (const off of offs) off();
      client.close(new Error('notifications stopped'));
      serviceClient?.close();
      serviceClient = undefined;
      shown.clear();
    },
  };
}
