// SPDX-License-Identifier: MIT
// Settings, stored through the API (GET/PUT /api/v1/system/settings): appearance, behaviour,
// notifications; security through alter-web's auth routes: password, PIN, inactivity lock.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../api.js';
import { Icon } from '../components/icons.jsx';
import { Button, Field, Segmented, Switch, toast } from '../components/ui.jsx';
import { S, saveSettings, settingsSaved, updateSettings, useTopic } from '../store.js';
import { debounce } from '../util.js';
import { PageHeader } from './Layout.jsx';

const ACCENTS = [
  ['#6366f1', 'Indigo'], ['#3b82f6', 'Blue'], ['#0ea5e9', 'Sky'], ['#14b8a6', 'Teal'], ['#22c55e', 'Green'],
  ['#f59e0b', 'Amber'], ['#f43f5e', 'Rose'], ['#a855f7', 'Purple'],
];
const TABS = [['general', 'General', 'settings'], ['appearance', 'Appearance', 'sun'], ['security', 'Security', 'shield'], ['system', 'System', 'monitor']];

function Row({ label, hint, children, id }) {
  return (
    <div class="set-row">
      <div class="set-label">
        <label for={id} id={id && id + '-l'}>{label}</label>
        {hint && <p class="muted small">{hint}</p>}
      </div>
      <div class="set-control">{children}</div>
    </div>
  );
}

function Toggle({ k, label, hint }) {
  return (
    <Row label={label} hint={hint} id={`s-${k}`}>
      <Switch id={`s-${k}`} checked={!!S.settings[k]} label={label} onChange={(v) => updateSettings({ [k]: v })} />
    </Row>
  );
}

function Appearance() {
  const s = S.settings;
  return (
    <section class="panel">
      <h2 class="panel-title">Appearance</h2>
      <Row label="Theme" hint="System follows your operating system.">
        <Segmented label="Theme" value={s.theme} onChange={(v) => updateSettings({ theme: v })} options={[
          { value: 'dark', label: 'Dark', icon: 'moon' }, { value: 'light', label: 'Light', icon: 'sun' }, { value: 'system', label: 'System', icon: 'monitor' },
        ]} />
      </Row>
      <Row label="Accent colour" hint="Buttons, links and highlights.">
        <div class="swatches" role="radiogroup" aria-label="Accent colour">
          {ACCENTS.map(([c, name]) => (
            <button type="button" key={c} role="radio" aria-checked={s.accent === c ? 'true' : 'false'} aria-label={name} title={name}
              class={`swatch sw-${name.toLowerCase()}${s.accent === c ? ' on' : ''}`} onClick={() => updateSettings({ accent: c })}>
              {s.accent === c && <Icon name="check" size={14} />}
            </button>
          ))}
          <label class="swatch-custom" title="Custom colour">
            <span class="sr-only">Custom accent colour</span>
            <input type="color" value={s.accent} onChange={(e) => updateSettings({ accent: e.currentTarget.value })} />
          </label>
        </div>
      </Row>
      <Toggle k="compact" label="Compact mode" hint="Less padding, more rows on screen." />
      <Row label="Default process view">
        <Segmented label="Default process view" value={s.default_view} onChange={(v) => updateSettings({ default_view: v })} options={[
          { value: 'table', label: 'Table', icon: 'table' }, { value: 'cards', label: 'Cards', icon: 'grid' },
        ]} />
      </Row>
    </section>
  );
}

function General() {
  const s = S.settings;
  return (
    <>
      <section class="panel">
        <h2 class="panel-title">Logs and processes</h2>
        <Row label="Default tail lines" hint="How many stored lines the log viewer loads (50–5000)." id="s-tail">
          <input id="s-tail" type="number" min="50" max="5000" step="50" value={s.tail_lines} class="num-input"
            onChange={(e) => { const v = Math.max(50, Math.min(5000, Number(e.currentTarget.value) || 200)); updateSettings({ tail_lines: v }); }} />
        </Row>
        <Row label="Default namespace" hint="Pre-filled in the new-process form." id="s-ns">
          <input id="s-ns" value={s.default_namespace || ''} placeholder="default" onChange={(e) => updateSettings({ default_namespace: e.currentTarget.value.trim() })} />
        </Row>
      </section>
      <section class="panel">
        <h2 class="panel-title">Confirmations</h2>
        <Toggle k="confirm_delete" label="Confirm before deleting a process" />
        <Toggle k="confirm_stop" label="Confirm before stopping a process" />
        <Toggle k="confirm_namespace" label="Confirm before stopping or restarting a whole namespace" />
        <Toggle k="confirm_clear_logs" label="Confirm before clearing logs" />
        <Toggle k="confirm_shutdown" label="Confirm before shutting down the daemon" />
      </section>
      <section class="panel">
        <h2 class="panel-title">Notifications</h2>
        <p class="muted small">Which process events appear under the bell in the status bar.</p>
        <Toggle k="notify_crash" label="Crashes" hint="A process exited with an error or alter gave up restarting it." />
        <Toggle k="notify_restart" label="Restarts" />
        <Toggle k="notify_start" label="Starts" />
        <Toggle k="notify_stop" label="Stops" />
      </section>
    </>
  );
}

// alter-web's estimate (POST /auth/strength), which setup and change-password enforce: at least
// 8 characters and not "very weak". `onResult` gets each answer.
function StrengthMeter({ password, onResult }) {
  const [st, setSt] = useState(null);
  const check = useRef(debounce(async (pw) => {
    if (!pw) { setSt(null); onResult?.(null); return; }
    const r = await api('POST', '/auth/strength', { password: pw });
    if (r.ok) { setSt(r.data); onResult?.(r.data); }
  }, 200)).current;
  useEffect(() => { check(password); }, [password]);
  useEffect(() => () => check.cancel(), []);
  const score = st ? st.score : 0;
  return (
    <div class="strength" aria-live="polite">
      <div class={`strength-bar sc-${password ? score : 'none'}`} role="meter" aria-label="Password strength" aria-valuemin="0" aria-valuemax="4" aria-valuenow={score}>
        {[0, 1, 2, 3].map((i) => <span key={i} class={password && i < Math.max(1, score) ? 'on' : ''} />)}
      </div>
      <span class="strength-label">{password ? (st ? st.label : '…') : 'Strength'}</span>
      {password && st && !st.acceptable && <span class="strength-no">not accepted</span>}
      {st && st.feedback && st.feedback.length > 0 && <p class="muted small strength-tip">{st.feedback[0]}</p>}
    </div>
  );
}
export { StrengthMeter };

// A password the server will refuse, as far as the meter knows: the field error to show.
export function weakPassword(pw, st, min = 8) {
  if (pw.length < min) return `At least ${min} characters`;
  if (st && st.score === 0) return 'Too easy to guess: add more words or characters';
  return '';
}

function ChangePassword() {
  const [v, setV] = useState({ current: '', next: '', confirm: '' });
  const [err, setErr] = useState({});
  const [busy, setBusy] = useState(false);
  const strength = useRef(null);
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    const errs = {};
    const weak = weakPassword(v.next, strength.current);
    if (weak) errs.next = weak;
    else if (v.next !== v.confirm) errs.confirm = 'The passwords differ';
    setErr(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    const r = await api('POST', '/auth/change-password', { current_password: v.current, new_password: v.next });
    setBusy(false);
    if (r.ok) { toast('Password changed; other sessions were logged out', 'ok'); setV({ current: '', next: '', confirm: '' }); return; }
    if (r.status === 401) setErr({ current: 'Wrong password' });
    else if (r.status === 422) setErr({ next: errorText(r) });
    else setErr({ form: errorText(r) });
  };
  return (
    <form class="panel" onSubmit={submit}>
      <h2 class="panel-title">Password</h2>
      <input type="text" autocomplete="username" value="alter" hidden readOnly />
      <div class="form-grid narrow">
        <Field label="Current password" id="pw-cur" error={err.current} wide>
          <input id="pw-cur" type="password" autocomplete="current-password" value={v.current} onInput={set('current')} required aria-invalid={err.current ? 'true' : undefined} />
        </Field>
        <Field label="New password" id="pw-new" error={err.next} wide>
          <input id="pw-new" type="password" autocomplete="new-password" value={v.next} onInput={set('next')} required minLength={8} aria-invalid={err.next ? 'true' : undefined} />
          <StrengthMeter password={v.next} onResult={(st) => { strength.current = st; }} />
        </Field>
        <Field label="Repeat the new password" id="pw-rep" error={err.confirm} wide>
          <input id="pw-rep" type="password" autocomplete="new-password" value={v.confirm} onInput={set('confirm')} required aria-invalid={err.confirm ? 'true' : undefined} />
        </Field>
      </div>
      {err.form && <p class="error-banner">{err.form}</p>}
      <div class="form-actions"><Button type="submit" variant="primary" busy={busy}>Change password</Button></div>
    </form>
  );
}

function Pin({ status, reload }) {
  const [v, setV] = useState({ pin: '', password: '' });
  const [err, setErr] = useState({});
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    if (!/^(\d{4}|\d{6})$/.test(v.pin)) { setErr({ pin: '4 or 6 digits' }); return; }
    setBusy(true);
    const r = await api('POST', '/auth/pin', v);
    setBusy(false);
    if (r.ok) { toast('PIN set', 'ok'); setV({ pin: '', password: '' }); setErr({}); reload(); return; }
    if (r.status === 401) setErr({ password: 'Wrong password' });
    else if (r.status === 422) setErr({ pin: errorText(r) });
    else setErr({ form: errorText(r) });
  };
  // Like setting it, removing the PIN takes the password (the field below).
  const remove = async () => {
    if (!v.password) { setErr({ password: 'Enter your password to remove the PIN' }); document.getElementById('pin-pw')?.focus(); return; }
    setBusy(true);
    const r = await api('DELETE', '/auth/pin', { password: v.password });
    setBusy(false);
    if (r.ok) { toast('PIN removed', 'ok'); setV({ pin: '', password: '' }); setErr({}); reload(); return; }
    if (r.status === 401) setErr({ password: 'Wrong password' });
    else setErr({ form: errorText(r) });
  };
  return (
    <form class="panel" onSubmit={submit}>
      <h2 class="panel-title">PIN <span class={`chip ${status.pin_configured ? 'chip-ok' : ''}`}>{status.pin_configured ? 'set' : 'not set'}</span></h2>
      <p class="muted small">A 4 or 6 digit PIN unlocks the lock screen faster than the password.</p>
      <div class="form-grid narrow">
        <Field label={status.pin_configured ? 'New PIN' : 'PIN'} id="pin-new" error={err.pin}>
          <input id="pin-new" type="password" inputMode="numeric" autocomplete="off" maxLength={6} pattern="[0-9]*" value={v.pin}
            onInput={(e) => setV({ ...v, pin: e.currentTarget.value.replace(/\D/g, '') })} aria-invalid={err.pin ? 'true' : undefined} />
        </Field>
        <Field label="Your password" id="pin-pw" error={err.password} hint="Needed to set, change or remove the PIN.">
          <input id="pin-pw" type="password" autocomplete="current-password" value={v.password} onInput={(e) => setV({ ...v, password: e.currentTarget.value })} aria-invalid={err.password ? 'true' : undefined} />
        </Field>
      </div>
      {err.form && <p class="error-banner">{err.form}</p>}
      <div class="form-actions">
        {status.pin_configured && <Button variant="danger-ghost" icon="trash" onClick={remove}>Remove PIN</Button>}
        <span class="grow" />
        <Button type="submit" variant="primary" busy={busy}>{status.pin_configured ? 'Change PIN' : 'Set PIN'}</Button>
      </div>
    </form>
  );
}

function LockTimeout({ status, reload }) {
  const choices = status.lock_timeout_choices || [0, 5, 10, 15, 30, 60];
  const change = async (e) => {
    const r = await api('PATCH', '/auth/settings', { lock_timeout_mins: Number(e.currentTarget.value) });
    if (r.ok) { toast(r.data.lock_timeout_mins ? `Locks after ${r.data.lock_timeout_mins} min of inactivity` : 'Inactivity lock off', 'ok'); reload(); } else toast(errorText(r), 'error');
  };
  return (
    <section class="panel">
      <h2 class="panel-title">Inactivity lock</h2>
      <Row label="Lock the dashboard after" hint="Without mouse or keyboard activity. Unlock with the PIN if set, else the password." id="lock-t">
        <select id="lock-t" value={status.lock_timeout_mins || 0} onChange={change}>
          {choices.map((m) => <option key={m} value={m}>{m === 0 ? 'Never (off)' : m === 60 ? '1 hour' : `${m} minutes`}</option>)}
        </select>
      </Row>
    </section>
  );
}

function Security() {
  const [status, setStatus] = useState(null);
  const load = () => api('GET', '/auth/status').then((r) => r.ok && setStatus(r.data));
  useEffect(() => { load(); }, []);
  if (!status) return null;
  return (
    <>
      {status.auth === 'token' && <p class="info-banner">You are using the master token: password and PIN apply to browser sessions.</p>}
      <ChangePassword />
      <Pin status={status} reload={load} />
      <LockTimeout status={status} reload={load} />
    </>
  );
}

function System() {
  const [paths, setPaths] = useState(null);
  useTopic('stats');
  useEffect(() => { api('GET', '/system/paths').then((r) => r.ok && setPaths(r.data)); }, []);
  const h = S.health;
  return (
    <section class="panel">
      <h2 class="panel-title">Daemon</h2>
      <dl class="kv">
        {h && <div><dt>Version</dt><dd>{h.version}</dd></div>}
        {h && <div><dt>PID</dt><dd class="num">{h.pid}</dd></div>}
        {paths && Object.entries(paths).map(([k, v]) => <div key={k}><dt>{k.replace(/_/g, ' ')}</dt><dd><code>{v}</code></dd></div>)}
      </dl>
      <p class="muted small">Logs rotate at their size limit and daily; settings live in the data directory (settings.json).</p>
    </section>
  );
}

export function Settings({ tab = 'general' }) {
  useTopic('settings');
  const t = TABS.find((x) => x[0] === tab) ? tab : 'general';
  return (
    <>
      <PageHeader title="Settings" sub={settingsSaved === 'saved' ? <span class="save-state"><Icon name="check" size={14} /> Saved to the daemon</span>
        : settingsSaved === 'saving' ? <span class="save-state">Saving…</span>
          : <span class="save-state bad" role="alert"><Icon name="alert" size={14} /> {settingsSaved} <button type="button" class="link-btn" onClick={saveSettings}>Retry</button></span>} />
      <div class="page-body settings">
        <nav class="tabs" aria-label="Settings sections">
          {TABS.map(([id, label, icon]) => (
            <a key={id} href={`#/settings/${id}`} class={t === id ? 'active' : ''} aria-current={t === id ? 'page' : undefined}><Icon name={icon} />{label}</a>
          ))}
        </nav>
        <div class="tab-body">
          {t === 'general' && <General />}
          {t === 'appearance' && <Appearance />}
          {t === 'security' && <Security />}
          {t === 'system' && <System />}
        </div>
      </div>
    </>
  );
}
