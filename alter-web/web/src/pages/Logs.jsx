// SPDX-License-Identifier: MIT
// The log pages: one process's log viewer, the log library (every process in one searchable
// view with level colouring) and log volume (lines per hour per process, counted by alterd
// from the stored files: GET /processes/{name}/logs/volume).
import { useEffect, useState } from 'preact/hooks';
import { api, enc, errorText } from '../api.js';
import { StackedBars } from '../components/charts.jsx';
import { Icon } from '../components/icons.jsx';
import { LogView } from '../components/LogView.jsx';
import { Button, Empty, Segmented, Spinner, StatusPill } from '../components/ui.jsx';
import { href } from '../router.js';
import { S, useTopic } from '../store.js';
import { PageHeader } from './Layout.jsx';

export function ProcessLogs({ name }) {
  useTopic('procs');
  const p = S.procs.get(name) || [...S.procs.values()].find((x) => x.app === name);
  return (
    <>
      <PageHeader back={{ href: href('processes', name), label: `Back to ${name}` }}
        title={<span class="title-row">Logs · {name}{p && <StatusPill status={p.status} enabled={p.enabled} />}</span>}
        sub="Live output. stderr lines are marked red; type to filter, press Enter to search the stored files." />
      <div class="page-body fill">
        <LogView name={name} key={name} />
      </div>
    </>
  );
}

function appNames() {
  const seen = new Set();
  for (const n of S.order) seen.add(S.procs.get(n).app);
  return [...seen];
}

export function LogLibrary({ route }) {
  useTopic('procs');
  const sel = route.query.get('app') || 'all';
  const apps = appNames();
  return (
    <>
      <PageHeader title="Log library" sub="Every process's output in one place, coloured by level (ERROR, WARN, INFO, DEBUG found in the text).">
        <label class="sel">
          <span class="sr-only">Process</span>
          <select aria-label="Process" value={sel} onChange={(e) => { location.hash = e.currentTarget.value === 'all' ? '#/logs' : `#/logs?app=${encodeURIComponent(e.currentTarget.value)}`; }}>
            <option value="all">All processes</option>
            {apps.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </label>
      </PageHeader>
      <div class="page-body fill">
        <LogView name={sel} key={sel} library showInstance />
      </div>
    </>
  );
}

const RANGES = [
  { value: 6, label: '6 h' },
  { value: 24, label: '24 h' },
  { value: 72, label: '3 days' },
];
const HOUR = 3600000;

// Per-hour counts from alterd, from the start of the local hour `hours` ago until now.
async function fetchVolume(hours, only) {
  const now = Date.now();
  const from = new Date(now - hours * HOUR);
  from.setMinutes(0, 0, 0);
  const r = await api('GET', `/processes/${enc(only || 'all')}/logs/volume?from=${from.getTime()}&to=${now}&bucket_ms=${HOUR}`);
  if (!r.ok) throw new Error(errorText(r));
  return r.data;
}

// The series (per instance and stream) summed per app; the 7 busiest apps and "others".
function bucketize(v) {
  const n = v.buckets;
  const per = new Map(); // app -> counts
  for (const s of v.series) {
    let c = per.get(s.app);
    if (!c) per.set(s.app, (c = { out: new Array(n).fill(0), err: new Array(n).fill(0), total: 0 }));
    const into = c[s.stream === 'err' ? 'err' : 'out'];
    for (let i = 0; i < n; i++) into[i] += s.counts[i] || 0;
    c.total += s.total;
  }
  const ranked = [...per.entries()].sort((a, b) => b[1].total - a[1].total);
  const top = ranked.slice(0, 7);
  const rest = ranked.slice(7);
  const keys = top.map(([app], i) => ({ label: app, color: i }));
  if (rest.length) keys.push({ label: `${rest.length} others`, color: 7 });
  const buckets = [];
  for (let i = 0; i < n; i++) {
    const t = v.from_ms + i * v.bucket_ms;
    const d = new Date(t);
    const values = top.map(([, c]) => c.out[i] + c.err[i]);
    if (rest.length) values.push(rest.reduce((a, [, c]) => a + c.out[i] + c.err[i], 0));
    buckets.push({ t, values, label: `${String(d.getHours()).padStart(2, '0')}:00`, title: `${d.toLocaleDateString()} ${String(d.getHours()).padStart(2, '0')}:00` });
  }
  return { buckets, keys, ranked, n };
}

export function LogVolume() {
  useTopic('procs');
  const [hours, setHours] = useState(24);
  const [only, setOnly] = useState('');
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    setData(null);
    setError('');
    fetchVolume(hours, only).then(setData, (e) => setError(e.message));
  }, [hours, only, tick]);
  const fmtN = (v) => (v >= 10000 ? `${Math.round(v / 1000)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v)));
  const b = data && bucketize(data);
  const peak = b && b.buckets.reduce((a, x, i) => { const s = x.values.reduce((p, v) => p + v, 0); return s > a.v ? { v: s, i } : a; }, { v: 0, i: -1 });
  return (
    <>
      <PageHeader title="Log volume" sub="Lines written per hour, per process. Spot noisy processes and crash waves.">
        <label class="sel">
          <span class="sr-only">Process</span>
          <select aria-label="Process" value={only} onChange={(e) => setOnly(e.currentTarget.value)}>
            <option value="">All processes</option>
            {appNames().map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </label>
        <Segmented label="Range" value={hours} onChange={setHours} options={RANGES} />
        <Button icon="restart" onClick={() => setTick(tick + 1)}>Refresh</Button>
      </PageHeader>
      <div class="page-body">
        {error ? <p class="error-banner">{error}</p> : !b ? <Spinner label="Counting lines" /> : b.ranked.length === 0 ? (
          <Empty icon="chart" title="No log lines in this range"><p>Processes that write to stdout or stderr show up here.</p></Empty>
        ) : (
          <>
            <div class="stat-tiles">
              <div class="stat-tile"><span class="k">Lines</span><span class="v num">{b.ranked.reduce((a, [, c]) => a + c.total, 0).toLocaleString()}</span></div>
              <div class="stat-tile"><span class="k">stderr lines</span><span class="v num">{b.ranked.reduce((a, [, c]) => a + c.err.reduce((x, y) => x + y, 0), 0).toLocaleString()}</span></div>
              <div class="stat-tile"><span class="k">Processes</span><span class="v num">{b.ranked.length}</span></div>
              <div class="stat-tile"><span class="k">Busiest hour</span><span class="v">{peak.i >= 0 ? b.buckets[peak.i].label : '–'}</span><span class="s">{peak.v.toLocaleString()} lines</span></div>
            </div>
            <section class="panel">
              <h2 class="panel-title"><Icon name="chart" />Lines per hour</h2>
              <StackedBars buckets={b.buckets} keys={b.keys} format={fmtN} height={260} label="Log lines per hour, stacked by process" />
              <ul class="legend">
                {b.keys.map((k) => <li key={k.label} class={`c${k.color}`}><i aria-hidden="true" />{k.label}</li>)}
              </ul>
              {data.truncated && <p class="muted small">Only the first {Math.round(data.bytes_scanned / 1048576)} MiB of log files were counted: the totals are lower bounds.</p>}
            </section>
            <section class="panel">
              <h2 class="panel-title"><Icon name="table" />By process</h2>
              <div class="table-scroll"><table class="mini-table">
                <thead><tr><th scope="col">Process</th><th scope="col" class="num">Lines</th><th scope="col" class="num">stderr</th><th scope="col" class="num">Per hour (avg)</th><th scope="col"><span class="sr-only">Logs</span></th></tr></thead>
                <tbody>
                  {b.ranked.map(([app, c]) => {
                    const err = c.err.reduce((x, y) => x + y, 0);
                    return (
                      <tr key={app}>
                        <td class="cell-name"><a href={href('processes', app)} title={app}>{app}</a></td>
                        <td class="num">{c.total.toLocaleString()}</td>
                        <td class={`num${err ? ' bad-text' : ''}`}>{err.toLocaleString()}</td>
                        <td class="num">{(c.total / b.n).toFixed(1)}</td>
                        <td><a href={`#/logs?app=${encodeURIComponent(app)}`}>View logs</a></td>
                      </tr>
                    );
                  })}
                </tbody>
              </table></div>
            </section>
          </>
        )}
      </div>
    </>
  );
}
