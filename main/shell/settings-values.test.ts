import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../../shared/bridge/settings.js';
import { applySettingsPatch, loadSettings } from './settings-values.js';

test('nothing saved: the defaults, without a warning', () => {
  assert.deepEqual(loadSettings(undefined), { settings: DEFAULT_SETTINGS });
});

test('valid saved settings are used as they are', () => {
  const saved = { ...DEFAULT_SETTINGS, localSlots: 5, theme: 'dark' };
  assert.deepEqual(loadSettings(saved), { settings: saved });
});

test('invalid saved settings fall back to the defaults and say why', () => {
  for (const bad of [{ ...DEFAULT_SETTINGS, localSlots: -1 }, { ...DEFAULT_SETTINGS, version: 2 }, { ...DEFAULT_SETTINGS, extra: 1 }, 'text', null, []]) {
    const loaded = loadSettings(bad);
    assert.deepEqual(loaded.settings, DEFAULT_SETTINGS, JSON.stringify(bad));
    assert.match(loaded.problem ?? '', /saved settings are invalid/);
  }
});

test('the defaults handed out are copies', () => {
  const loaded = loadSettings(undefined);
  loaded.settings.knownAgents.push('/ip4/1.2.3.4/tcp/1');
  assert.deepEqual(DEFAULT_SETTINGS.knownAgents, []);
});

test('a patch changes only its keys and is checked before anything is saved', () => {
  const next = applySettingsPatch(DEFAULT_SETTINGS, { localSlots: 4, repo: '/work/repo' });
  assert.deepEqual(next, { ...DEFAULT_SETTINGS, localSlots: 4, repo: '/work/repo' });
  assert.deepEqual(applySettingsPatch(next, { repo: undefined }), next, 'an undefined key is not "clear it"');
  assert.deepEqual(applySettingsPatch(next, { repo: null }).repo, null);
  assert.throws(() => applySettingsPatch(next, { localSlots: 1000 }));
  assert.throws(() => applySettingsPatch(next, { version: 2 } as never));
});
