// SPDX-License-Identifier: MIT
// One process: state and actions (and why it is not running), enable switch, CPU and memory
// over time and the restart history (what alterd kept, GET …/history, then live events), cron
// schedule and runs, the configuration, recent log lines.
import { useEffect, useState } from 'preact/hooks';
import { api, call, enc } from '../api.js';
import { deleteApp, resetProc, restartProc, runNow, setEnabled, startProc, stopProc } from '../actions.js';
import { TimeChart } from '../components/charts.jsx';
import { Icon } from '../components/icons.jsx';
import { LogView } from '../components/LogView.jsx';
import { Button, Empty, LinkButton, Spinner, StatusPill, Switch, Uptime } from '../components/ui.jsx';
import { describeCron } from '../cron.js';
import { href } from '../router.js';
import { applyApp, loadHistory, S, useTopic } from '../store.js';
import { fmtBytes, fmtDateTime, fmtPercent, fmtShortDuration, fmtTime, isSecretName, isUp, joinArgs } from '../util.js';
import { PageHeader } from './Layout.jsx';

function Stat({ label, children, sub }) {
  return (
    <div class="stat-tile">
      <span class="k">{label}</span>
      <span class="v">{children}</span>
      {sub && <span class="s">{sub}</span>}
    </div>
  );
}

function exitText(p) {
  if (p.signal) return `signal ${p.signal}`;
  if (p.exit_code != null) return `exit code ${p.exit_code}`;
  return null;
}

const EVENT_TEXT = {
  crashed: (e) => `Crashed${e.exit_code != null ? ` with exit code ${e.exit_code}` : e.signal ? ` (${e.signal})` : ''}`,
  errored: (e) => {
    const why = e.error || '';
    if (/^gave up\b/i.test(why)) return why[0].toUpperCase() + why.slice(1); // "Gave up after 3 restarts within 60 s"
    if (!why) return 'Gave up';
    return `${e.reason === 'spawn failed' ? 'Could not start' : 'Errored'}: ${why}`;
  },
  exited: (e) => `Exited${e.exit_code != null ? ` with code ${e.exit_code}` : ''}`,
  stopped: (e) => `Stopped${e.signal ? ` (${e.signal})` : ''}`,
  waiting: (e) => (e.delay_ms != null ? `Waiting ${fmtShortDuration(e.delay_ms)} before restarting` : 'Waiting for the next run'),
  running: (e) => `Running, pid ${e.pid}${e.reason && e.reason !== 'start' ? ` (${e.reason})` : ''}`,
};

function RestartHistory({ app, instances }) {
  useTopic('events');
  const evs = (S.appEvents.get(app) || []).filter((e) => EVENT_TEXT[e.to] && (instances.length > 1 || true)).slice(-40).reverse();
  const lastExits = instances.filter((p) => p.exited_at);
  return (
    <div class="timeline-wrap">
      {evs.length === 0 && lastExits.length === 0 && <p class="muted">No restarts or exits yet.</p>}
      <ol class="timeline">
        {evs.map((e, i) => (
          <li key={i} class={`tl s-${e.to}`}>
            <span class="tl-dot" aria-hidden="true" />
            <div>
              <p>{EVENT_TEXT[e.to](e)}{instances.length > 1 && <span class="muted"> · {e.instance}</span>}</p>
              <time class="muted small">{fmtTime(e.time_ms)} · restarts {e.restarts}</time>
            </div>
          </li>
        ))}
        {evs.length === 0 && lastExits.map((p) => (
          <li key={p.name} class={`tl s-${p.exit_code ? 'crashed' : 'stopped'}`}>
            <span class="tl-dot" aria-hidden="true" />
            <div>
              <p>Last exit: {exitText(p) || 'unknown'}{instances.length > 1 && <span class="muted"> · {p.name}</span>}</p>
              <time class="muted small">{fmtDateTime(p.exited_at)} · restarts {p.restarts}</time>
            </div>
          </li>
        ))}
      </ol>
      <p class="muted small">alterd keeps each app's last 100 state changes (until it restarts).</p>
    </div>
  );
}

function Runs({ app }) {
  const [runs, setRuns] = useState(null);
  useTopic('events');
  const n = (S.appEvents.get(app) || []).length;
  useEffect(() => {
    api('GET', `/processes/${enc(app)}/runs`).then((r) => setRuns(r.ok ? r.data.runs : []));
  }, [app, n]);
  if (!runs) return <Spinner />;
  if (!runs.length) return <p class="muted">No runs yet.</p>;
  return (
    <div class="table-scroll"><table class="mini-table">
      <thead><tr><th scope="col">Started</th><th scope="col" class="num">Duration</th><th scope="col">Trigger</th><th scope="col">Result</th></tr></thead>
      <tbody>
        {runs.slice(0, 20).map((r, i) => (
          <tr key={i}>
            <td>{fmtDateTime(r.start_ms)}</td>
            <td class="num">{r.running ? 'running' : fmtShortDuration(r.duration_ms)}</td>
            <td>{r.trigger}</td>
            <td>{r.running ? <StatusPill status="running" /> : r.exit_code === 0 ? <span class="ok-text">exit 0</span>
              : <span class="bad-text">{r.signal ? r.signal : `exit ${r.exit_code}`}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table></div>
  );
}

// Why the process (or each instance) is not running, as alterd reports it: a spawn error
// ("cannot change to directory …"), giving up, or the dependency it waits for.
function WhyNot({ instances, multi }) {
  const bad = instances.filter((x) => x.error && x.status !== 'running');
  if (!bad.length) return null;
  const gaveUp = (x) => /^gave up\b/i.test(x.error);
  const head = (x) => (gaveUp(x) ? '' : x.status === 'errored' ? 'Could not start' : x.status === 'waiting' ? 'Waiting' : 'Not running');
  return (
    <div class="why-banner" role="status">
      <Icon name="alert" />
      <ul>
        {bad.map((x) => (
          <li key={x.name}>
            {multi && <strong>{x.name}: </strong>}
            {gaveUp(x) ? <strong>{x.error[0].toUpperCase() + x.error.slice(1)}</strong>
              : <><strong>{head(x)}:</strong> <span class="why-text">{x.error}</span></>}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function CronNext({ expr }) {
  const [next, setNext] = useState(null);
  useEffect(() => {
    api('GET', `/cron/next?expr=${enc(expr)}&n=5`).then((r) => setNext(r.ok ? r.data.next : []));
  }, [expr]);
  return (
    <div class="cron-box">
      <p><code>{expr}</code></p>
      <p class="cron-desc"><Icon name="clock" size={14} />{describeCron(expr) || 'Custom schedule'}</p>
      {next && next.length > 0 && <ol class="cron-next">{next.map((t) => <li key={t}><time>{fmtDateTime(t)}</time></li>)}</ol>}
    </div>
  );
}

function Config({ spec }) {
  const [reveal, setReveal] = useState(false);
  const rows = [
    ['Command', <code>{spec.command}</code>],
    ['Arguments', spec.args.length ? <code>{joinArgs(spec.args)}</code> : '–'],
    ['Working directory', spec.cwd ? <code>{spec.cwd}</code> : 'alterd\'s'],
    ['Namespace', spec.namespace],
    ['Type', spec.type],
    ['Instances', spec.instances],
    ['Restart', `${spec.restart} · max ${spec.max_restarts || '∞'} in ${fmtShortDuration(spec.restart_window_ms)}`],
    ['Backoff', `${fmtShortDuration(spec.restart_delay_ms)} × ${spec.backoff_multiplier}, at most ${fmtShortDuration(spec.max_restart_delay_ms)}`],
    ['Stop', `${spec.stop_signal}, kill after ${fmtShortDuration(spec.kill_timeout_ms)}`],
    ['Watch', spec.watch.length ? <code>{spec.watch.join(', ')}</code> : 'off'],
    spec.cron && ['Schedule', <code>{spec.cron}</code>],
    spec.env_file && ['Env file', <code>{spec.env_file}</code>],
    spec.user && ['User', spec.user],
    spec.deps.length > 0 && ['Depends on', spec.deps.join(', ')],
    ['Logs', `rotate at ${fmtBytes(spec.log_max_size)}, keep ${spec.log_max_files} files, ${spec.log_retain_days} days`],
  ].filter(Boolean);
  const env = Object.entries(spec.env || {});
  const secrets = env.some(([k]) => isSecretName(k));
  return (
    <>
      <dl class="kv">
        {rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}
      </dl>
      <h3 class="sub-title">Environment {secrets && <button type="button" class="link-btn" onClick={() => setReveal(!reveal)} aria-pressed={reveal ? 'true' : 'false'}>{reveal ? 'Hide secrets' : 'Reveal secrets'}</button>}</h3>
      {env.length === 0 ? <p class="muted">No variables set.</p> : (
        <dl class="kv env">
          {env.map(([k, v]) => <div key={k}><dt><code>{k}</code></dt><dd><code>{isSecretName(k) && !reveal ? '••••••••' : String(v)}</code></dd></div>)}
        </dl>
      )}
    </>
  );
}

export function Detail({ name }) {
  useTopic('procs', 'hist');
  const [info, setInfo] = useState(null);
  const [error, setError] = useState('');
  const inst = S.procs.get(name);
  const appName = inst ? inst.app : name;
  const appInfo = S.apps.get(appName);

  useEffect(() => {
    setError('');
    call('GET', `/processes/${enc(name)}`).then((d) => { applyApp(d); setInfo(d); }, (e) => setError(e.status === 404 ? `No process named ${name}.` : e.message));
    loadHistory(name); // the charts and the restart history start with what alterd kept
  }, [name]);

  if (error) return <div class="page-body"><Empty icon="alert" title="Not found"><p>{error}</p><LinkButton href="#/processes">Back to the list</LinkButton></Empty></div>;
  if (!info || !appInfo) return <Spinner label="Loading" />;
  const instances = S.order.map((n) => S.procs.get(n)).filter((p) => p.app === appName && (name === appName || p.name === name));
  if (!instances.length) return <div class="page-body"><Empty icon="alert" title="Removed"><p>{name} no longer exists.</p><LinkButton href="#/processes">Back to the list</LinkButton></Empty></div>;
  const spec = appInfo.spec;
  const p = instances[0];
  const multi = instances.length > 1;
  const anyUp = instances.some((x) => isUp(x.status));
  const enabled = spec.enabled !== false && p.enabled !== false;
  const status = multi ? (instances.every((x) => x.status === p.status) ? p.status : 'mixed') : p.status;
  const h = !multi ? S.hist.get(p.name) : null;
  const cpu = instances.reduce((a, x) => a + (x.status === 'running' ? x.cpu_percent || 0 : 0), 0);
  const mem = instances.reduce((a, x) => a + (x.status === 'running' ? x.memory_bytes || 0 : 0), 0);
  // For an app with instances, sum the instances' histories on the sample times of the first.
  let hist = h;
  if (multi) {
    const hs = instances.map((x) => S.hist.get(x.name)).filter(Boolean);
    if (hs.length) {
      const base = hs.reduce((a, b) => (b.t.length > a.t.length ? b : a));
      hist = { t: base.t, cpu: base.t.map((_, i) => hs.reduce((a, x) => a + (x.cpu[x.cpu.length - base.t.length + i] || 0), 0)), mem: base.t.map((_, i) => hs.reduce((a, x) => a + (x.mem[x.mem.length - base.t.length + i] || 0), 0)) };
    }
  }
  const target = multi ? appName : p.name;
  const isCron = spec.type === 'cron' || !!spec.cron;
  return (
    <>
      <PageHeader back={{ href: '#/processes', label: 'Back to processes' }} title={
        <span class="title-row"><span class="title-name" title={name}>{name}</span>{status === 'mixed' ? <span class="pill s-waiting">mixed</span> : <StatusPill status={status} enabled={enabled} />}</span>
      } sub={<span class="chips"><span class="chip">{spec.namespace}</span><span class="chip">{spec.type}</span>{multi && <span class="chip">{instances.length} instances</span>}{name !== appName && <a class="chip" href={href('processes', appName)}>app {appName}</a>}</span>}>
        <label class="switch-label">
          <Switch checked={enabled} label={`Enabled (${enabled ? 'on' : 'off'})`} onChange={(v) => setEnabled(appName, v)} />
          <span>Enabled</span>
        </label>
        {anyUp
          ? <Button icon="stop" onClick={() => stopProc(target)}>Stop</Button>
          : <Button icon="play" variant="primary" onClick={() => startProc(target)} disabled={!enabled}>Start</Button>}
        <Button icon="restart" onClick={() => restartProc(target)} disabled={!enabled}>Restart</Button>
        {isCron && <Button icon="zap" onClick={() => runNow(appName)} disabled={!enabled}>Run now</Button>}
        <LinkButton icon="logs" href={href('processes', name, 'logs')}>Logs</LinkButton>
        <LinkButton icon="edit" href={href('processes', appName, 'edit')}>Edit</LinkButton>
        <Button icon="trash" variant="danger-ghost" onClick={() => deleteApp(appName, { after: '#/processes' })}>Delete</Button>
      </PageHeader>
      <div class="page-body detail">
        <WhyNot instances={instances} multi={multi} />
        <div class="stat-tiles">
          <Stat label="PID">{multi ? instances.filter((x) => x.pid).length + ' running' : <span class="num">{p.pid || '–'}</span>}</Stat>
          <Stat label="Uptime">{!multi && p.status === 'running' ? <Uptime since={p.started_at} /> : '–'}</Stat>
          <Stat label="Restarts" sub={instances.some((x) => x.restarts) ? <button type="button" class="link-btn" onClick={() => resetProc(target)}>reset</button> : null}>
            <span class="num">{instances.reduce((a, x) => a + x.restarts, 0)}</span>
          </Stat>
          <Stat label="CPU"><span class="num">{anyUp ? fmtPercent(cpu) : '–'}</span></Stat>
          <Stat label="Memory"><span class="num">{anyUp ? fmtBytes(mem) : '–'}</span></Stat>
          <Stat label="Last exit" sub={p.exited_at ? fmtDateTime(p.exited_at) : null}>{exitText(p) || '–'}</Stat>
        </div>
        <div class="grid-2">
          <section class="panel">
            <h2 class="panel-title"><Icon name="cpu" />CPU</h2>
            <TimeChart t={hist ? hist.t : []} series={[{ values: hist ? hist.cpu : [], label: 'CPU', color: 0 }]} format={fmtPercent} tickFormat={(v) => `${+v.toFixed(v < 1 ? 2 : 1)}%`} label="CPU usage over time"
              empty={anyUp ? 'Collecting samples…' : 'Not running'} />
          </section>
          <section class="panel">
            <h2 class="panel-title"><Icon name="activity" />Memory</h2>
            <TimeChart t={hist ? hist.t : []} series={[{ values: hist ? hist.mem : [], label: 'Memory', color: 1 }]} format={fmtBytes} tickFormat={(v) => (v ? fmtBytes(v, 1).replace('.0 ', ' ') : '0')} binary label="Memory usage over time"
              empty={anyUp ? 'Collecting samples…' : 'Not running'} />
          </section>
        </div>
        {multi && (
          <section class="panel">
            <h2 class="panel-title"><Icon name="layers" />Instances</h2>
            <div class="table-scroll"><table class="mini-table instances">
              <thead><tr><th scope="col">Instance</th><th scope="col">Status</th><th scope="col" class="num">PID</th><th scope="col">Uptime</th><th scope="col" class="num">Restarts</th><th scope="col" class="num">CPU</th><th scope="col" class="num">Memory</th></tr></thead>
              <tbody>
                {instances.map((x) => (
                  <tr key={x.name}>
                    <td><a href={href('processes', x.name)}>{x.name}</a></td>
                    <td><StatusPill status={x.status} enabled={x.enabled} /></td>
                    <td class="num">{x.pid || '–'}</td>
                    <td>{x.status === 'running' ? <Uptime since={x.started_at} /> : '–'}</td>
                    <td class="num">{x.restarts}</td>
                    <td class="num">{x.status === 'running' ? fmtPercent(x.cpu_percent) : '–'}</td>
                    <td class="num">{x.status === 'running' ? fmtBytes(x.memory_bytes) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          </section>
        )}
        {isCron && (
          <div class="grid-2">
            <section class="panel">
              <h2 class="panel-title"><Icon name="calendar" />Schedule</h2>
              {spec.cron ? <CronNext expr={spec.cron} /> : <p class="muted">No schedule.</p>}
            </section>
            <section class="panel">
              <h2 class="panel-title"><Icon name="history" />Runs</h2>
              <Runs app={appName} />
            </section>
          </div>
        )}
        <div class="grid-2">
          <section class="panel">
            <h2 class="panel-title"><Icon name="history" />Restart history</h2>
            <RestartHistory app={appName} instances={instances} />
          </section>
          <section class="panel">
            <h2 class="panel-title"><Icon name="settings" />Configuration</h2>
            <Config spec={spec} />
          </section>
        </div>
        <section class="panel">
          <h2 class="panel-title"><Icon name="logs" />Recent output<a class="panel-link" href={href('processes', name, 'logs')}>Open log viewer <Icon name="right" size={14} /></a></h2>
          <LogView name={name} compact showInstance={multi} />
        </section>
      </div>
    </>
  );
}
