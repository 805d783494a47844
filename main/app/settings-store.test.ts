import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../shared/bridge/settings.js';
import { JsonSettingsStore, SETTINGS_FILE, withOverrides } from './settings-store.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cc-settings-'));
  dirs.push(d);
  return d;
}

test('no file: the defaults; a set is saved and read back by a new store', async () => {
  const dir = await tmp();
  const store = new JsonSettingsStore(dir);
  assert.deepEqual(store.get(), DEFAULT_SETTINGS);
  const next = store.set({ theme: 'dark', localSlots: 3, session: { model: 'opus' } });
  assert.equal(next.theme, 'dark');
  assert.equal(next.version, 1);
  const again = new JsonSettingsStore(dir);
  assert.deepEqual(again.get(), { ...DEFAULT_SETTINGS, theme: 'dark', localSlots: 3, session: { model: 'opus' } });
  const saved = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as { version: number };
  assert.equal(saved.version, 1);
});

test('a bad file (not JSON, wrong version, wrong field) gives the defaults and a warning, never a crash', async () => {
  for (const text of ['{ not json', JSON.stringify({ ...DEFAULT_SETTINGS, version: 2 }), JSON.stringify({ ...DEFAULT_SETTINGS, localSlots: -1 })]) {
    const dir = await tmp();
    await writeFile(join(dir, SETTINGS_FILE), text);
    const warnings: string[] = [];
    const store = new JsonSettingsStore(dir, (m) => warnings.push(m));
    assert.deepEqual(store.get(), DEFAULT_SETTINGS);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /default settings/);
    // The next set replaces the bad file with a good one.
    store.set({ theme: 'light' });
    assert.equal(new JsonSettingsStore(dir).get().theme, 'light');
  }
});

test('set refuses an invalid patch and keeps what it had', async () => {
  const store = new JsonSettingsStore(await tmp());
  assert.throws(() => store.set({ localSlots: 1000 }));
  assert.throws(() => store.set({ nope: true } as never));
  assert.deepEqual(store.get(), DEFAULT_SETTINGS);
});

test('get returns a copy: changing it changes nothing saved', async () => {
  const store = new JsonSettingsStore(await tmp());
  store.get().knownAgents.push('/ip4/1.2.3.4/tcp/1');
  assert.deepEqual(store.get().knownAgents, []);
});

test('overrides show on top without being saved; setting the key drops the override', async () => {
  const dir = await tmp();
  const inner = new JsonSettingsStore(dir);
  const store = withOverrides(inner, { localSlots: 5 });
  assert.equal(store.get().localSlots, 5);
  store.set({ theme: 'dark' });
  assert.equal(store.get().localSlots, 5);
  assert.equal(new JsonSettingsStore(dir).get().localSlots, DEFAULT_SETTINGS.localSlots);
  assert.equal(store.set({ localSlots: 1 }).localSlots, 1);
  assert.equal(new JsonSettingsStore(dir).get().localSlots, 1);
});
