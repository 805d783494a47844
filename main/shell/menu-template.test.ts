import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from './menu-template.js';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}
const roles = (items: MenuItemConstructorOptions[]): string[] => flatten(items).flatMap((i) => (i.role ? [i.role] : []));
const noop = { openGoal: () => undefined, openDataFolder: () => undefined };

test('reload and developer tools exist only in development builds', () => {
  for (const platform of ['linux', 'darwin', 'win32']) {
    const dev = roles(menuTemplate({ dev: true, platform, appName: 'ClaudeCluster', nativeOpenGoal: true }, noop));
    const prod = roles(menuTemplate({ dev: false, platform, appName: 'ClaudeCluster', nativeOpenGoal: true }, noop));
    for (const r of ['reload', 'forceReload', 'toggleDevTools']) {
      assert.ok(dev.includes(r), `${platform} dev has ${r}`);
      assert.ok(!prod.includes(r), `${platform} release lacks ${r}`);
    }
  }
});

test('File has Open Goal… and Quit; Edit has the clipboard roles; Help exists', () => {
  let opened = 0;
  for (const platform of ['linux', 'darwin']) {
    const menu = menuTemplate({ dev: false, platform, appName: 'ClaudeCluster', nativeOpenGoal: true }, { ...noop, openGoal: () => { opened++; } });
    const all = flatten(menu);
    const open = all.find((i) => i.id === 'open-goal');
    assert.equal(open?.label, 'Open Goal…');
    assert.equal(open?.accelerator, 'CmdOrCtrl+O');
    (open?.click as () => void)();
    assert.ok(roles(menu).includes('quit'));
    for (const r of ['copy', 'paste', 'cut', 'selectAll']) assert.ok(roles(menu).includes(r), r);
    assert.ok(menu.some((m) => m.role === 'help'));
  }
  assert.equal(opened, 2);
});

test('until the page can take an opened goal, Ctrl/Cmd+O is left to the page', () => {
  const item = (nativeOpenGoal: boolean) => flatten(menuTemplate({ dev: false, platform: 'linux', appName: 'ClaudeCluster', nativeOpenGoal }, noop)).find((i) => i.id === 'open-goal');
  assert.equal(item(true)?.registerAccelerator, true);
  assert.equal(item(false)?.registerAccelerator, false);
});
