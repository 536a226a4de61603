// SPDX-License-Identifier: MIT
// First-run password setup, login, lock screen (PIN or password); 429 shows a countdown.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText } from '../api.js';
import { Icon, Logo } from '../components/icons.jsx';
import { Button, Field } from '../components/ui.jsx';
import { StrengthMeter, weakPassword } from './Settings.jsx';

function useRetry() {
  const [until, setUntil] = useState(0);
  const [, tick] = useState(0);
  useEffect(() => {
    if (!until) return undefined;
    const t = setInterval(() => { if (Date.now() >= until) setUntil(0); tick((x) => x + 1); }, 500);
    return () => clearInterval(t);
  }, [until]);
  const left = until ? Math.max(0, Math.ceil((until - Date.now()) / 1000)) : 0;
  return [left, (r) => { if (r.status === 429) setUntil(Date.now() + (Number(r.retryAfter) || 60) * 1000); }];
}

function AuthCard({ title, sub, children, icon }) {
  return (
    <div class="auth-screen">
      <main class="auth-card" id="main">
        <div class="auth-brand"><Logo size={40} /><span>alter</span></div>
        {icon && <div class="auth-icon"><Icon name={icon} size={22} /></div>}
        <h1>{title}</h1>
        {sub && <p class="muted">{sub}</p>}
        {children}
      </main>
    </div>
  );
}

export function Setup({ status, done }) {
  const [v, setV] = useState({ password: '', confirm: '', code: '' });
  const [err, setErr] = useState({});
  const [busy, setBusy] = useState(false);
  const [left, retry] = useRetry();
  const strength = useRef(null);
  const min = status.min_password_length || 8;
  const submit = async (e) => {
    e.preventDefault();
    const errs = {};
    const weak = weakPassword(v.password, strength.current, min);
    if (weak) errs.password = weak;
    else if (v.password !== v.confirm) errs.confirm = 'The passwords differ';
    if (status.setup_requires_code && !v.code.trim()) errs.code = 'Required from another machine: run `alter web` on the server';
    setErr(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    const body = { password: v.password };
    if (status.setup_requires_code) body.setup_code = v.code.trim();
    const r = await api('POST', '/auth/setup', body);
    setBusy(false);
    if (r.ok) return done();
    retry(r);
    if (r.status === 403) setErr({ code: errorText(r) });
    else if (r.status === 422) setErr({ password: errorText(r) });
    else if (r.status === 409) done();
    else setErr({ form: errorText(r) });
  };
  return (
    <AuthCard title="Welcome to alter" sub="Set a password for the dashboard. It is stored as an argon2id hash.">
      <form class="auth-form" onSubmit={submit}>
        <input type="text" autocomplete="username" value="alter" hidden readOnly />
        <Field label="Password" id="setup-pw" error={err.password}>
          <input id="setup-pw" type="password" autocomplete="new-password" autoFocus value={v.password} onInput={(e) => setV({ ...v, password: e.currentTarget.value })}
            aria-invalid={err.password ? 'true' : undefined} />
          <StrengthMeter password={v.password} onResult={(st) => { strength.current = st; }} />
        </Field>
        <Field label="Repeat password" id="setup-pw2" error={err.confirm}>
          <input id="setup-pw2" type="password" autocomplete="new-password" value={v.confirm} onInput={(e) => setV({ ...v, confirm: e.currentTarget.value })}
            aria-invalid={err.confirm ? 'true' : undefined} />
        </Field>
        {status.setup_requires_code && (
          <Field label="Setup code" id="setup-code" error={err.code} hint="Shown by `alter web` on the server (e.g. 7K3M-QX9D-2HFA-TP4W)">
            <input id="setup-code" autocomplete="one-time-code" class="mono" value={v.code} onInput={(e) => setV({ ...v, code: e.currentTarget.value })}
              aria-invalid={err.code ? 'true' : undefined} />
          </Field>
        )}
        {(err.form || left > 0) && <p class="error-banner" role="alert">{left > 0 ? `Too many attempts: try again in ${left} s` : err.form}</p>}
        <Button type="submit" variant="primary" class="block" busy={busy} disabled={left > 0}>Set password and continue</Button>
      </form>
    </AuthCard>
  );
}

export function Login({ done }) {
  const [pw, setPw] = useState('');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const [left, retry] = useRetry();
  const submit = async (e) => {
    e.preventDefault();
    if (!pw) return;
    setBusy(true);
    const r = await api('POST', '/auth/login', { password: pw });
    setBusy(false);
    if (r.ok) return done();
    retry(r);
    setErr(r.status === 401 ? 'Wrong password' : errorText(r));
    setPw('');
  };
  return (
    <AuthCard title="Log in" sub="Enter the dashboard password.">
      <form class="auth-form" onSubmit={submit}>
        <input type="text" autocomplete="username" value="alter" hidden readOnly />
        <Field label="Password" id="login-pw" error={left > 0 ? `Too many attempts: try again in ${left} s` : err}>
          <input id="login-pw" type="password" autocomplete="current-password" autoFocus value={pw} onInput={(e) => setPw(e.currentTarget.value)}
            aria-invalid={err ? 'true' : undefined} />
        </Field>
        <Button type="submit" variant="primary" class="block" busy={busy} disabled={left > 0}>Log in</Button>
      </form>
    </AuthCard>
  );
}

export function Lock({ status, done, logout }) {
  const [usePw, setUsePw] = useState(!status.pin_configured);
  const [v, setV] = useState('');
  const [err, setErr] = useState('');
  const [busy, setBusy] = useState(false);
  const [left, retry] = useRetry();
  const input = useRef();
  useEffect(() => { input.current?.focus(); }, [usePw]);
  const submit = async (e) => {
    e.preventDefault();
    if (!v) return;
    setBusy(true);
    const r = await api('POST', '/auth/unlock', usePw ? { password: v } : { pin: v });
    setBusy(false);
    if (r.ok) return done();
    retry(r);
    setV('');
    if (r.status === 403) { setUsePw(true); setErr('Too many wrong PINs: use the password'); return; }
    if (r.status === 409) { setUsePw(true); setErr('No PIN is set: use the password'); return; }
    setErr(r.status === 401 ? (r.data?.error?.message || 'Wrong') : errorText(r));
  };
  return (
    <AuthCard title="Locked" icon="lock" sub={usePw ? 'Enter your password to unlock.' : 'Enter your PIN to unlock.'}>
      <form class="auth-form" onSubmit={submit}>
        <input type="text" autocomplete="username" value="alter" hidden readOnly />
        <Field label={usePw ? 'Password' : 'PIN'} id="unlock" error={left > 0 ? `Too many attempts: try again in ${left} s` : err}>
          <input id="unlock" ref={input} type="password" autocomplete={usePw ? 'current-password' : 'off'} inputMode={usePw ? undefined : 'numeric'}
            maxLength={usePw ? undefined : 6} class={usePw ? '' : 'pin-input'} value={v} onInput={(e) => setV(e.currentTarget.value)} aria-invalid={err ? 'true' : undefined} />
        </Field>
        <Button type="submit" variant="primary" class="block" busy={busy} disabled={left > 0}>Unlock</Button>
        <div class="auth-links">
          {status.pin_configured && <button type="button" class="link-btn" onClick={() => { setUsePw(!usePw); setErr(''); setV(''); }}>{usePw ? 'Use the PIN' : 'Use the password instead'}</button>}
          <button type="button" class="link-btn" onClick={logout}>Log out</button>
        </div>
      </form>
    </AuthCard>
  );
}

export function Stopped({ retry }) {
  return (
    <AuthCard title="The daemon is not reachable" icon="power" sub="alterd was shut down or cannot be reached. Start it again with `alter daemon start`, then reload.">
      <Button variant="primary" class="block" icon="restart" onClick={retry}>Try again</Button>
    </AuthCard>
  );
}
