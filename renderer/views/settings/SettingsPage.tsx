/** The app's settings. The theme applies at once; the rest is saved with Save. */
import { useState } from 'react';
import { MAX_LOCAL_SLOTS, type Settings, type SettingsPatch } from '../../../shared/bridge/settings.js';
import { useApp } from '../../app/contexts.js';

const MODES = ['tui', 'headless'] as const;
const PERMISSION_MODES = ['acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan'] as const;
type Session = Settings['session'];

export function SettingsPage() {
  const settings = useApp((s) => s.settings);
  const repo = useApp((s) => s.appInfo?.repo);
  if (!settings) return <div className="page" data-testid="settings"><h1>Settings</h1><p className="muted">Reading the settings…</p></div>;
  // Keyed by the saved settings (the theme aside, which applies at once), so after a save the
  // form starts over from what the driver holds.
  return <SettingsForm key={JSON.stringify({ ...settings, theme: null })} settings={settings} appRepo={repo ?? null} />;
}

function SettingsForm({ settings, appRepo }: { settings: Settings; appRepo: string | null }) {
  const save = useApp((s) => s.saveSettings);
  const notify = useApp((s) => s.notify);
  const [localSlots, setLocalSlots] = useState(String(settings.localSlots));
  const [mode, setMode] = useState(settings.session.mode ?? '');
  const [model, setModel] = useState(settings.session.model ?? '');
  const [permissionMode, setPermissionMode] = useState(settings.session.permissionMode ?? '');
  const [maxTurns, setMaxTurns] = useState(settings.session.maxTurns === undefined ? '' : String(settings.session.maxTurns));
  const [knownAgents, setKnownAgents] = useState(settings.knownAgents.join('\n'));
  const [repo, setRepo] = useState(settings.repo ?? '');
  const [saving, setSaving] = useState(false);
  // Shown at once; the driver's answer (or its refusal, as a notice) follows.
  const [theme, setThemeChoice] = useState(settings.theme);
  const chooseTheme = (t: Settings['theme']): void => {
    setThemeChoice(t);
    void save({ theme: t }).then((ok) => {
      if (!ok) setThemeChoice(settings.theme);
    });
  };

  const submit = async (): Promise<void> => {
    const session: Session = {
      ...(mode ? { mode: mode as Session['mode'] } : {}),
      ...(model.trim() ? { model: model.trim() } : {}),
      ...(permissionMode ? { permissionMode: permissionMode as Session['permissionMode'] } : {}),
      ...(maxTurns.trim() ? { maxTurns: Number(maxTurns) } : {}),
    };
    const patch: SettingsPatch = {
      localSlots: Number(localSlots),
      session,
      knownAgents: knownAgents.split('\n').map((l) => l.trim()).filter((l) => l !== ''),
      repo: repo.trim() === '' ? null : repo.trim(),
    };
    setSaving(true);
    const saved = await save(patch);
    setSaving(false);
    if (saved) notify('info', 'Settings saved.');
  };

  return (
    <div className="page" data-testid="settings">
      <h1>Settings</h1>
      <section className="card">
        <h2>Appearance</h2>
        <fieldset className="radio-row" data-testid="theme-setting">
          <legend>Theme</legend>
          {(['system', 'light', 'dark'] as const).map((t) => (
            <label key={t}>
              <input type="radio" name="theme" value={t} checked={theme === t} onChange={() => chooseTheme(t)} />
              {t === 'system' ? 'Follow the system' : t}
            </label>
          ))}
        </fieldset>
      </section>
      <form
        className="card settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2>Runs</h2>
        <label>
          Local slots
          <input type="number" min={0} max={MAX_LOCAL_SLOTS} value={localSlots} onChange={(e) => setLocalSlots(e.target.value)} data-testid="setting-local-slots" />
          <span className="muted small">Sessions the agent on this machine runs at once; 0 starts none.</span>
        </label>
        <label>
          Repository
          <input value={repo} onChange={(e) => setRepo(e.target.value)} placeholder={appRepo ?? '/path/to/repo'} data-testid="setting-repo" />
          <span className="muted small">Where runs start when the app was not started inside a repository{appRepo ? ` (now: ${appRepo})` : ''}.</span>
        </label>
        <h2>Default session</h2>
        <label>
          Session mode
          <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <option value="">default</option>
            {MODES.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <label>
          Model
          <input value={model} onChange={(e) => setModel(e.target.value)} placeholder="Claude Code's default" />
        </label>
        <label>
          Permission mode
          <select value={permissionMode} onChange={(e) => setPermissionMode(e.target.value as typeof permissionMode)}>
            <option value="">default</option>
            {PERMISSION_MODES.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <label>
          Max turns
          <input type="number" min={1} value={maxTurns} onChange={(e) => setMaxTurns(e.target.value)} placeholder="no limit" />
        </label>
        <h2>Known agents</h2>
        <label>
          Addresses, one a line
          <textarea rows={4} value={knownAgents} onChange={(e) => setKnownAgents(e.target.value)} placeholder="/ip4/192.168.1.20/tcp/4001/p2p/12D3Koo…" data-testid="setting-known-agents" />
          <span className="muted small">Connected at start, besides the agents found on the LAN.</span>
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={saving} data-testid="save-settings">{saving ? 'Saving…' : 'Save'}</button>
        </div>
      </form>
    </div>
  );
}
