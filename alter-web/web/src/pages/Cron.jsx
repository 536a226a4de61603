// SPDX-License-Identifier: MIT
// Cron jobs: schedule with a human description, next run, last run and its exit code, run
// history (GET …/runs), the next 5 fire times (GET /cron/next), run now, edit, delete.
import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { deleteApp, runNow, setEnabled } from '../actions.js';
import { Button, Empty, IconButton, LinkButton, Menu, Spinner, Switch } from '../components/ui.jsx';
import { describeCron } from '../cron.js';
import { href } from '../router.js';
import { applyApp, S, useTopic } from '../store.js';
import { fmtDateTime, fmtRelative, fmtShortDuration } from '../util.js';
import { PageHeader } from './Layout.jsx';

function jobState(p) {
  if (p.enabled === false || p.status === 'disabled') return ['disabled', 'disabled'];
  if (p.status === 'running' || p.status === 'starting' || p.status === 'stopping') return ['running', 'running'];
  if (p.status === 'errored' || p.status === 'crashed' || (p.exit_code != null && p.exit_code !== 0) || p.signal) return ['failed', 'errored'];
  return ['idle', 'exited'];
}

function History({ app, expr }) {
  const [runs, setRuns] = useState(null);
  const [next, setNext] = useState(null);
  useTopic('events');
  const n = (S.appEvents.get(app) || []).length;
  useEffect(() => { api('GET', `/processes/${enc(app)}/runs`).then((r) => setRuns(r.ok ? r.data.runs : [])); }, [app, n]);
  useEffect(() => { if (expr) api('GET', `/cron/next?expr=${enc(expr)}&n=5`).then((r) => setNext(r.ok ? r.data.next : [])); }, [expr]);
  return (
    <div class="cron-history">
      <div>
        <h3 class="sub-title">Next 5 runs</h3>
        {!next ? <Spinner /> : next.length ? <ol class="cron-next">{next.map((t) => <li key={t}><time>{fmtDateTime(t)}</time> <span class="muted">{fmtRelative(t)}</span></li>)}</ol> : <p class="muted">None</p>}
      </div>
      <div>
        <h3 class="sub-title">Recent runs</h3>
        {!runs ? <Spinner /> : runs.length === 0 ? <p class="muted">No runs yet.</p> : (
          <div class="table-scroll"><table class="mini-table">
            <thead><tr><th scope="col">Started</th><th scope="col" class="num">Duration</th><th scope="col">Trigger</th><th scope="col">Result</th></tr></thead>
            <tbody>
              {runs.slice(0, 10).map((r, i) => (
                <tr key={i}>
                  <td>{fmtDateTime(r.start_ms)}</td>
                  <td class="num">{r.running ? '…' : fmtShortDuration(r.duration_ms)}</td>
                  <td>{r.trigger}</td>
                  <td>{r.running ? <span class="muted">running</span> : r.exit_code === 0 ? <span class="ok-text">exit 0</span> : <span class="bad-text">{r.signal || `exit ${r.exit_code}`}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
      </div>
    </div>
  );
}

export function CronJobs() {
  // next_run / last_run come with every state event of a job (a scheduled run, Run now).
  useTopic('procs', 'events');
  const [open, setOpen] = useState(null);
  const jobs = [];
  const seen = new Set();
  for (const n of S.order) {
    const p = S.procs.get(n);
    if (p.type !== 'cron' || seen.has(p.app)) continue;
    seen.add(p.app);
    jobs.push(p);
  }
  const missing = jobs.filter((p) => !S.apps.has(p.app)).map((p) => p.app).join(',');
  useEffect(() => {
    for (const app of missing ? missing.split(',') : []) api('GET', `/processes/${enc(app)}`).then((r) => r.ok && applyApp(r.data));
  }, [missing]);
  return (
    <>
      <PageHeader title="Cron jobs" sub="Commands run on a schedule.">
        <LinkButton href="#/cron/new" variant="primary" icon="plus">New cron job</LinkButton>
      </PageHeader>
      <div class="page-body">
        {!S.loaded ? <Spinner /> : jobs.length === 0 ? (
          <Empty icon="calendar" title="No cron jobs yet">
            <p>Schedule a command with a cron expression, e.g. a nightly backup at <code>0 2 * * *</code>.</p>
            <LinkButton href="#/cron/new" variant="primary" icon="plus">New cron job</LinkButton>
          </Empty>
        ) : (
          <div class="table-wrap">
            <table class="ptable cron-table">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Schedule</th>
                  <th scope="col">Status</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Last run</th>
                  <th scope="col"><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((p) => {
                  const spec = S.apps.get(p.app)?.spec;
                  const expr = spec ? spec.cron : '';
                  const [label, cls] = jobState(p);
                  const enabled = p.enabled !== false;
                  const isOpen = open === p.app;
                  return [
                    <tr key={p.app} class={`prow${enabled ? '' : ' is-disabled'}`} data-name={p.app}>
                      <td class="c-name">
                        <a class="pname" href={href('processes', p.app)} title={p.app}>{p.app}</a>
                        <span class="pcmd" title={`${p.command} ${(p.args || []).join(' ')}`}>{p.command} {(p.args || []).join(' ')}</span>
                      </td>
                      <td>
                        <code class="expr">{expr || '…'}</code>
                        {expr && <span class="cron-human">{describeCron(expr) || ''}</span>}
                      </td>
                      <td><span class={`pill s-${cls}`}>{label}</span></td>
                      <td>{enabled && p.next_run ? <><span>{fmtRelative(p.next_run)}</span><span class="sub-line">{fmtDateTime(p.next_run)}</span></> : <span class="muted">–</span>}</td>
                      <td>{p.last_run ? (
                        <>
                          <span>{fmtRelative(p.last_run)}</span>
                          <span class="sub-line">{p.status === 'running' ? 'running' : p.signal ? <span class="bad-text">{p.signal}</span>
                            : p.exit_code != null ? <span class={p.exit_code ? 'bad-text' : 'ok-text'}>exit {p.exit_code}</span> : ''}</span>
                        </>
                      ) : <span class="muted">never</span>}</td>
                      <td class="c-actions">
                        <div class="row-actions">
                          <Switch checked={enabled} label={`Enable ${p.app}`} onChange={(v) => setEnabled(p.app, v)} />
                          <Button size="sm" icon="zap" onClick={() => runNow(p.app)} disabled={!enabled || label === 'running'}>Run now</Button>
                          <IconButton icon="history" label={`History of ${p.app}`} aria-expanded={isOpen ? 'true' : 'false'} onClick={() => setOpen(isOpen ? null : p.app)} />
                          <Menu label={`More actions for ${p.app}`} items={[
                            { label: 'Details', icon: 'info', href: href('processes', p.app) },
                            { label: 'Logs', icon: 'logs', href: href('processes', p.app, 'logs') },
                            { label: 'Edit', icon: 'edit', href: href('processes', p.app, 'edit') },
                            { label: 'Delete', icon: 'trash', danger: true, onClick: () => deleteApp(p.app) },
                          ]} />
                        </div>
                      </td>
                    </tr>,
                    isOpen && (
                      <tr key={p.app + '-h'} class="detail-row">
                        <td colSpan={6}><History app={p.app} expr={expr} /></td>
                      </tr>
                    ),
                  ];
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
