// SPDX-License-Identifier: MIT
// Start a new process / edit one / new cron job. The daemon validates (422 with error.field
// and a hint); its message is shown at the field it names ("restart", "apps[0].cron", ...).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { Icon } from '../components/icons.jsx';
import { Button, Field, LinkButton, Spinner, toast } from '../components/ui.jsx';
import { describeCron } from '../cron.js';
import { href, navigate } from '../router.js';
import { applyApp, S } from '../store.js';
import { debounce, envToText, fmtDateTime, joinArgs, parseEnv } from '../util.js';
import { PageHeader } from './Layout.jsx';

const FIELDS = ['name', 'command', 'args', 'cwd', 'namespace', 'env', 'env_file', 'restart', 'instances', 'watch', 'cron', 'type',
  'overlap', 'max_restarts', 'restart_delay_ms', 'min_uptime_ms', 'kill_timeout_ms', 'stop_signal', 'user'];
const ALIAS = { script: 'command', cmd: 'command', exec: 'command', workdir: 'cwd', folder: 'cwd', ns: 'namespace', replica: 'instances',
  autorestart: 'restart', restart_policy: 'restart', schedule: 'cron', watch_paths: 'watch', restart_delay: 'restart_delay_ms',
  min_uptime: 'min_uptime_ms', kill_timeout: 'kill_timeout_ms', kill_signal: 'stop_signal', run_as: 'user' };
const ADVANCED = ['max_restarts', 'restart_delay_ms', 'min_uptime_ms', 'kill_timeout_ms', 'stop_signal', 'user', 'overlap', 'type'];

function fromSpec(spec) {
  return {
    name: spec.name, command: spec.command, args: joinArgs(spec.args), cwd: spec.cwd, namespace: spec.namespace,
    env: envToText(spec.env), env_file: spec.env_file, restart: spec.restart, instances: String(spec.instances),
    watch: spec.watch.length > 0, watch_paths: spec.watch.filter((w) => w !== '.').join(', '), cron: spec.cron, type: spec.type,
    overlap: spec.overlap, max_restarts: String(spec.max_restarts), restart_delay_ms: String(spec.restart_delay_ms),
    min_uptime_ms: String(spec.min_uptime_ms), kill_timeout_ms: String(spec.kill_timeout_ms), stop_signal: spec.stop_signal, user: spec.user,
  };
}

const BLANK = {
  name: '', command: '', args: '', cwd: '', namespace: '', env: '', env_file: '', restart: 'on-failure', instances: '1',
  watch: false, watch_paths: '', cron: '', type: '', overlap: 'skip', max_restarts: '15', restart_delay_ms: '100',
  min_uptime_ms: '1000', kill_timeout_ms: '5000', stop_signal: 'SIGTERM', user: '', start: true,
};

const intOrText = (s) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());

function toBody(f) {
  const env = parseEnv(f.env);
  const watch = f.watch ? (f.watch_paths.trim() ? f.watch_paths.split(',').map((w) => w.trim()).filter(Boolean) : true) : false;
  return {
    name: f.name.trim(), command: f.command.trim(), args: f.args, cwd: f.cwd.trim(), namespace: f.namespace.trim() || 'default',
    env: env.env || {}, env_file: f.env_file.trim(), restart: f.restart, instances: intOrText(f.instances), watch,
    cron: f.cron.trim(), type: f.type || undefined, overlap: f.overlap, max_restarts: intOrText(f.max_restarts),
    restart_delay_ms: intOrText(f.restart_delay_ms), min_uptime_ms: intOrText(f.min_uptime_ms),
    kill_timeout_ms: intOrText(f.kill_timeout_ms), stop_signal: f.stop_signal.trim() || 'SIGTERM', user: f.user.trim(),
  };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// "apps[0].cron" → "cron"; "env.PORT" → "env"; aliases to the form's names.
export function fieldOf(path) {
  if (!path) return null;
  const f = path.replace(/^apps\[\d+\]\./, '').split(/[.[]/)[0];
  const k = ALIAS[f] || f;
  return FIELDS.includes(k) ? k : null;
}
const cleanMsg = (m) => m.replace(/^([\w.[\]-]+:\s*)+/, '');

function CronPreview({ expr, onError }) {
  const [next, setNext] = useState(null);
  const check = useRef(debounce(async (e) => {
    if (!e) { setNext(null); onError(''); return; }
    const r = await api('GET', `/cron/next?expr=${enc(e)}&n=5`);
    if (r.ok) { setNext(r.data.next); onError(''); } else { setNext(null); onError(cleanMsg((r.data && r.data.error && r.data.error.message) || 'invalid')); }
  }, 350)).current;
  useEffect(() => { check(expr.trim()); }, [expr]);
  useEffect(() => () => check.cancel(), []);
  if (!expr.trim() || !next) return null;
  const desc = describeCron(expr);
  return (
    <div class="cron-preview" aria-live="polite">
      {desc && <p class="cron-desc"><Icon name="clock" size={14} />{desc}</p>}
      {next.length > 0
        ? <ol class="cron-next">{next.map((t) => <li key={t}><time>{fmtDateTime(t)}</time></li>)}</ol>
        : <p class="muted small">No fire time (runs at daemon start only).</p>}
    </div>
  );
}

export function ProcessForm({ app, cron = false }) {
  const edit = !!app;
  const [orig, setOrig] = useState(null);
  const [f, setF] = useState(() => ({ ...BLANK, namespace: S.settings.default_namespace || '', type: cron ? 'cron' : '', restart: cron ? 'never' : 'on-failure' }));
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState('');
  const [cronError, setCronError] = useState('');
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState('');
  const formRef = useRef();

  useEffect(() => {
    if (!edit) return;
    api('GET', `/processes/${enc(app)}`).then((r) => {
      if (!r.ok) { setLoadError((r.data && r.data.error && r.data.error.message) || `HTTP ${r.status}`); return; }
      const v = fromSpec(r.data.spec);
      setOrig(v);
      setF({ ...BLANK, ...v });
    });
  }, [app]);

  useEffect(() => {
    const first = Object.keys(errors)[0];
    if (first && formRef.current) {
      const el = formRef.current.querySelector(`#f-${first}`);
      if (el) {
        if (ADVANCED.includes(first)) formRef.current.querySelector('details.advanced')?.setAttribute('open', '');
        el.focus();
      }
    }
  }, [errors]);

  const set = (k) => (e) => {
    const v = e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value;
    setF((o) => ({ ...o, [k]: v }));
    if (errors[k]) setErrors((o) => { const n = { ...o }; delete n[k]; return n; });
  };

  const submit = async (e) => {
    e.preventDefault();
    setFormError('');
    const errs = {};
    if (!edit && !f.name.trim()) errs.name = 'required';
    if (!f.command.trim()) errs.command = 'required';
    const env = parseEnv(f.env);
    if (env.error) errs.env = env.error;
    if (cron && !f.cron.trim()) errs.cron = 'a schedule is required for a cron job';
    if (Object.keys(errs).length) { setErrors(errs); return; }
    setErrors({});
    const body = toBody(f);
    let r;
    setBusy(true);
    if (edit) {
      const before = toBody(orig);
      const patch = {};
      for (const k of Object.keys(body)) if (k !== 'name' && !same(body[k], before[k])) patch[k] = body[k];
      if (!f.type && patch.type === undefined) delete patch.type;
      if (!Object.keys(patch).length) { setBusy(false); navigate(href('processes', app)); return; }
      r = await api('PATCH', `/processes/${enc(app)}`, patch);
    } else {
      if (!body.type) delete body.type;
      if (!body.cron) delete body.cron;
      r = await api('POST', `/processes${f.start ? '' : '?start=false'}`, body);
    }
    setBusy(false);
    if (r.ok) {
      applyApp(r.data);
      toast(edit ? `${app} saved` : `${body.name} ${f.start ? 'started' : 'added'}`, 'ok');
      navigate(cron ? '#/cron' : href('processes', r.data.app));
      return;
    }
    const err = (r.data && r.data.error) || { message: `HTTP ${r.status}` };
    const field = r.status === 409 && !edit ? 'name' : fieldOf(err.field);
    const msg = cleanMsg(err.message) + (err.hint && !err.message.includes(err.hint) ? ` (${err.hint})` : '');
    if (field) setErrors({ [field]: msg });
    else setFormError(err.message);
  };

  if (loadError) return <div class="page-body"><p class="error-banner">{loadError}</p></div>;
  if (edit && !orig) return <Spinner label="Loading" />;
  const title = edit ? `Edit ${app}` : cron ? 'New cron job' : 'Start a new process';
  const back = edit ? href('processes', app) : cron ? '#/cron' : '#/processes';
  const isCron = cron || f.type === 'cron' || f.cron.trim() !== '';
  const input = (k, props = {}) => (
    <input id={`f-${k}`} name={k} value={f[k]} onInput={set(k)} aria-invalid={errors[k] ? 'true' : undefined}
      aria-describedby={errors[k] ? `f-${k}-err` : props.hint ? `f-${k}-hint` : undefined} autocomplete="off" spellcheck={false} {...props} />
  );
  return (
    <>
      <PageHeader title={title} back={{ href: back, label: 'Back' }} sub={edit ? 'Changes to the command, arguments, directory or environment restart a running process.' : cron ? 'A command run on a schedule.' : 'alter starts it now and keeps it running according to its restart policy.'} />
      <div class="page-body">
        <form class="pform" ref={formRef} onSubmit={submit} novalidate>
          {formError && <p class="error-banner" role="alert">{formError}</p>}
          <section class="form-section">
            <h2>Process</h2>
            <div class="form-grid">
              <Field label="Name" id="f-name" error={errors.name} hint={edit ? 'The name cannot change.' : 'Letters, digits, . _ - (e.g. web-server)'}>
                {input('name', { disabled: edit, required: true, placeholder: 'web-server', hint: true })}
              </Field>
              <Field label="Namespace" id="f-namespace" error={errors.namespace} hint="A group label, e.g. servers">
                {input('namespace', { placeholder: 'default', hint: true })}
              </Field>
              <Field label="Command" id="f-command" error={errors.command} hint="An executable, run without a shell (use /bin/sh with -c for shell syntax)" wide>
                {input('command', { required: true, placeholder: 'node', class: 'mono', hint: true })}
              </Field>
              <Field label="Arguments" id="f-args" error={errors.args} hint="Split like a command line: quote words with spaces" wide>
                {input('args', { placeholder: 'server.js --port 8080', class: 'mono', hint: true })}
              </Field>
              <Field label="Working directory" id="f-cwd" error={errors.cwd} hint="Empty: alterd's working directory" wide>
                {input('cwd', { placeholder: '/srv/app', class: 'mono', hint: true })}
              </Field>
            </div>
          </section>
          {isCron && (
            <section class="form-section">
              <h2>Schedule</h2>
              <div class="form-grid">
                <Field label="Cron expression" id="f-cron" error={errors.cron || cronError} hint="5 fields (minute hour day month weekday), 6 with seconds, or @daily, @hourly…" wide>
                  {input('cron', { placeholder: '0 3 * * *', class: 'mono', hint: true })}
                </Field>
                <CronPreview expr={f.cron} onError={setCronError} />
              </div>
            </section>
          )}
          <section class="form-section">
            <h2>Environment</h2>
            <div class="form-grid">
              <Field label="Environment variables" id="f-env" error={errors.env} hint="KEY=VALUE, one per line" wide>
                <textarea id="f-env" name="env" rows={4} value={f.env} onInput={set('env')} class="mono" placeholder={'PORT=8080\nNODE_ENV=production'}
                  aria-invalid={errors.env ? 'true' : undefined} aria-describedby={errors.env ? 'f-env-err' : 'f-env-hint'} spellcheck={false} />
              </Field>
              <Field label="Env file" id="f-env_file" error={errors.env_file} hint="A dotenv file, read at every start" wide>
                {input('env_file', { placeholder: '.env', class: 'mono', hint: true })}
              </Field>
            </div>
          </section>
          <section class="form-section">
            <h2>Behaviour</h2>
            <div class="form-grid">
              <Field label="Restart policy" id="f-restart" error={errors.restart} hint={{ always: 'Restart on any exit', 'on-failure': 'Restart after a crash or non-zero exit', never: 'Never restart automatically' }[f.restart]}>
                <select id="f-restart" name="restart" value={f.restart} onChange={set('restart')} aria-invalid={errors.restart ? 'true' : undefined} aria-describedby={errors.restart ? 'f-restart-err' : 'f-restart-hint'}>
                  <option value="on-failure">On failure</option>
                  <option value="always">Always</option>
                  <option value="never">Never</option>
                  {!['on-failure', 'always', 'never'].includes(f.restart) && <option value={f.restart}>{f.restart}</option>}
                </select>
              </Field>
              <Field label="Instances" id="f-instances" error={errors.instances} hint="Copies to run (1–1024)">
                {input('instances', { inputMode: 'numeric', hint: true })}
              </Field>
              <div class="field wide">
                <label class="check">
                  <input type="checkbox" id="f-watch" checked={f.watch} onChange={set('watch')} />
                  <span>Watch files and restart on changes</span>
                </label>
                {f.watch && input('watch_paths', { placeholder: 'Paths to watch, comma separated (empty: the working directory)', class: 'mono', 'aria-label': 'Watch paths' })}
                {errors.watch && <p class="field-error" role="alert">{errors.watch}</p>}
              </div>
              {!cron && !isCron && (
                <div class="field wide">
                  <button type="button" class="link-btn" onClick={() => setF((o) => ({ ...o, cron: o.cron || '0 * * * *' }))}>
                    <Icon name="calendar" size={14} /> Add a schedule (cron)
                  </button>
                </div>
              )}
            </div>
          </section>
          <details class="form-section advanced">
            <summary><h2>Advanced</h2></summary>
            <div class="form-grid">
              <Field label="Type" id="f-type" error={errors.type} hint="Automatic: cron when a schedule is set, else daemon">
                <select id="f-type" value={f.type} onChange={set('type')}>
                  <option value="">Automatic</option>
                  <option value="daemon">Daemon (keeps running)</option>
                  <option value="once">Once (runs to completion)</option>
                  <option value="cron">Cron (runs on schedule)</option>
                </select>
              </Field>
              <Field label="Max restarts" id="f-max_restarts" error={errors.max_restarts} hint="Within the restart window; 0: no limit">{input('max_restarts', { inputMode: 'numeric', hint: true })}</Field>
              <Field label="Restart delay (ms)" id="f-restart_delay_ms" error={errors.restart_delay_ms} hint="First backoff delay">{input('restart_delay_ms', { inputMode: 'numeric', hint: true })}</Field>
              <Field label="Min uptime (ms)" id="f-min_uptime_ms" error={errors.min_uptime_ms} hint="Shorter runs count as crashes">{input('min_uptime_ms', { inputMode: 'numeric', hint: true })}</Field>
              <Field label="Kill timeout (ms)" id="f-kill_timeout_ms" error={errors.kill_timeout_ms} hint="SIGKILL after this">{input('kill_timeout_ms', { inputMode: 'numeric', hint: true })}</Field>
              <Field label="Stop signal" id="f-stop_signal" error={errors.stop_signal}>{input('stop_signal', { class: 'mono' })}</Field>
              <Field label="Run as user" id="f-user" error={errors.user} hint="Empty: alterd's user">{input('user', { hint: true })}</Field>
              {isCron && (
                <Field label="Overlap" id="f-overlap" error={errors.overlap} hint="When a tick fires while the last run is still going">
                  <select id="f-overlap" value={f.overlap} onChange={set('overlap')}>
                    <option value="skip">Skip the tick</option>
                    <option value="replace">Replace the running one</option>
                    <option value="allow">Allow</option>
                  </select>
                </Field>
              )}
            </div>
          </details>
          <div class="form-actions">
            {!edit && (
              <label class="check">
                <input type="checkbox" checked={f.start} onChange={set('start')} />
                <span>{isCron ? 'Enable the schedule now' : 'Start it now'}</span>
              </label>
            )}
            <span class="grow" />
            <LinkButton href={back}>Cancel</LinkButton>
            <Button type="submit" variant="primary" busy={busy} icon={edit ? 'save' : cron ? 'calendar' : 'play'}>
              {edit ? 'Save changes' : cron ? 'Create cron job' : f.start ? 'Start process' : 'Add process'}
            </Button>
          </div>
        </form>
      </div>
    </>
  );
}
