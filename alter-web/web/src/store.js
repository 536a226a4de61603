// SPDX-License-Identifier: MIT
// Live state of the dashboard, from one /events?stats=1 stream and no polling: state changes,
// per-process CPU/memory (`stats`) and host stats (`host`, both sampled by alterd every 2 s
// while a stream asks for them), applied in batches once per animation frame. GET /processes
// is read once when the stream opens (and again after a reconnect); a page that shows an
// app's past loads GET /processes/{name}/history first and live events are appended.
// Components subscribe to topics ('procs', 'hist', 'notifs', 'stats', 'conn', 'settings') and
// re-render when one is emitted; rows are memoised on their process object, which is replaced
// (never mutated) when it changes, so a burst updates only the rows it touches.
import { useEffect, useReducer } from 'preact/hooks';
import { api, enc, errorText } from './api.js';
import { isActive } from './util.js';

const listeners = new Map();
export function on(topic, fn) {
  let set = listeners.get(topic);
  if (!set) listeners.set(topic, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}
export function emit(...topics) {
  for (const t of topics) for (const fn of listeners.get(t) || []) fn();
}
export function useTopic(...topics) {
  const [, force] = useReducer((x) => x + 1, 0);
  useEffect(() => {
    const offs = topics.map((t) => on(t, force));
    return () => offs.forEach((off) => off());
  }, topics); // eslint-disable-line react-hooks/exhaustive-deps
}

export const DEFAULT_SETTINGS = {
  theme: 'system', accent: '#6366f1', compact: false, default_view: 'table', tail_lines: 200,
  confirm_delete: true, confirm_stop: false, confirm_shutdown: true, confirm_clear_logs: true,
  confirm_namespace: true,
  notify_crash: true, notify_restart: true, notify_start: true, notify_stop: true,
  collapsed: [],
};

export const S = {
  procs: new Map(), // instance name -> process entry (GET /processes shape)
  order: [], // instance names in the daemon's order
  loaded: false,
  apps: new Map(), // app -> {spec, desired} from the last GET /processes/{app}
  conn: 'idle', // idle | connecting | live | reconnecting | down
  notifs: [],
  unread: 0,
  hist: new Map(), // instance -> {t:[], cpu:[], mem:[], v}
  appEvents: new Map(), // app -> recent state events (newest last)
  stats: null, // {host} from the latest `host` event
  health: null,
  skew: 0, // daemon clock - browser clock (ms)
  settings: { ...DEFAULT_SETTINGS },
  filter: { ns: null, active: false },
};

export const now = () => Date.now() + S.skew;

// ---- settings (GET/PUT /api/v1/system/settings; cached in localStorage for the login screen)
function readCachedSettings() {
  try { return JSON.parse(localStorage.getItem('alter.settings') || '{}'); } catch { return {}; }
}
export function applySettings(s = S.settings) {
  const root = document.documentElement;
  const dark = s.theme === 'dark' || (s.theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  root.dataset.theme = dark ? 'dark' : 'light';
  root.dataset.density = s.compact ? 'compact' : 'normal';
  if (/^#[0-9a-f]{6}$/i.test(s.accent || '')) root.style.setProperty('--accent', s.accent);
}
S.settings = { ...DEFAULT_SETTINGS, ...readCachedSettings() };
applySettings();
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applySettings());

export async function loadSettings() {
  const r = await api('GET', '/system/settings');
  if (r.ok && r.data && typeof r.data === 'object') {
    S.settings = { ...DEFAULT_SETTINGS, ...r.data };
    localStorage.setItem('alter.settings', JSON.stringify(S.settings));
    applySettings();
    emit('settings');
  }
}
let saveTimer = 0;
// 'saved' | 'saving' | an error message (the last save failed: the settings live on in this
// browser until a save succeeds).
export let settingsSaved = 'saved';
export function saveSettings() {
  clearTimeout(saveTimer);
  settingsSaved = 'saving';
  emit('settings');
  return api('PUT', '/system/settings', S.settings).then((r) => {
    settingsSaved = r.ok ? 'saved' : `Not saved: ${errorText(r)}`;
    emit('settings');
    return r;
  });
}
export function updateSettings(patch, { immediate = false } = {}) {
  S.settings = { ...S.settings, ...patch };
  localStorage.setItem('alter.settings', JSON.stringify(S.settings));
  applySettings();
  settingsSaved = 'saving';
  emit('settings');
  clearTimeout(saveTimer);
  if (immediate) return saveSettings();
  saveTimer = setTimeout(saveSettings, 350);
  return null;
}

// ---- processes
function indexApp(app) {
  return S.order.findIndex((n) => S.procs.get(n)?.app === app);
}

function setProcesses(list) {
  const old = S.procs;
  S.procs = new Map();
  S.order = [];
  for (const p of list) {
    const prev = old.get(p.name);
    // Keep the metrics the poller measured; everything else comes from the daemon.
    S.procs.set(p.name, prev && same(prev, p) ? prev : p);
    S.order.push(p.name);
  }
  S.loaded = true;
}

function same(a, b) {
  for (const k in b) {
    const x = a[k], y = b[k];
    if (x === y) continue;
    if (Array.isArray(x) && Array.isArray(y) && x.join('\0') === y.join('\0')) continue;
    if (k === 'uptime_ms') continue;
    return false;
  }
  return true;
}

function estimateSkew(list) {
  const t = Date.now();
  for (const p of list) {
    if (p.status === 'running' && p.started_at && p.uptime_ms) {
      S.skew = p.started_at + p.uptime_ms - t;
      return;
    }
  }
}

// The whole list. Events that arrive meanwhile wait in the queue: those queued before the
// request went out are in the answer (dropped), the later ones are applied on top of it.
let loadingAll = 0;
export async function loadProcesses() {
  loadingAll++;
  const mark = queue.length;
  const r = await api('GET', '/processes');
  loadingAll--;
  if (!r.ok) { schedule(); return false; }
  const first = !S.loaded;
  if (first) performance.mark('alter:procs-loaded');
  if (!loadingAll) queue.splice(0, mark);
  estimateSkew(r.data.processes);
  setProcesses(r.data.processes);
  emit('procs');
  if (queue.length) schedule();
  return true;
}

// Replace one app's instances with what GET /processes/{app} says (or the app an action answered).
export function applyApp(data) {
  if (!data || !data.instances) return;
  S.apps.set(data.app, { spec: data.spec, desired: data.desired, namespace: data.namespace });
  const at = indexApp(data.app);
  const names = data.instances.map((p) => p.name);
  const stale = S.order.filter((n) => S.procs.get(n)?.app === data.app && !names.includes(n));
  for (const n of stale) S.procs.delete(n);
  const single = data.instances.length === 1 && data.name !== data.app; // asked for one instance
  if (!single) S.order = S.order.filter((n) => !stale.includes(n));
  for (const p of data.instances) {
    const prev = S.procs.get(p.name);
    const merged = prev && p.status === 'running' ? { ...p, cpu_percent: prev.cpu_percent, memory_bytes: prev.memory_bytes } : p;
    S.procs.set(p.name, prev && same(prev, merged) ? prev : merged);
  }
  if (!single) {
    const rest = S.order.filter((n) => S.procs.get(n)?.app !== data.app);
    const pos = at < 0 ? rest.length : Math.min(at, rest.length);
    S.order = [...rest.slice(0, pos), ...names, ...rest.slice(pos)];
  }
  emit('procs');
}

function removeApp(app) {
  S.order = S.order.filter((n) => {
    if (S.procs.get(n)?.app !== app) return true;
    S.procs.delete(n);
    return false;
  });
  S.apps.delete(app);
}

const inflight = new Map(); // app -> state events seen while its GET is running
async function refetchApp(app) {
  if (inflight.has(app)) return;
  inflight.set(app, []);
  const r = await api('GET', '/processes/' + encodeURIComponent(app));
  const late = inflight.get(app);
  inflight.delete(app);
  if (r.ok) {
    applyApp(r.data);
    for (const ev of late) applyState(ev);
    if (late.length) emit('procs');
  } else if (r.status === 404) {
    removeApp(app);
    emit('procs');
  }
}

const LIVE = new Set(['running', 'starting', 'stopping']);
const restarting = new Set(); // instances between a restart's stop and its next run

function applyState(ev) {
  const p = S.procs.get(ev.instance);
  if (!p) return null;
  const n = { ...p, status: ev.to, restarts: ev.restarts };
  n.pid = LIVE.has(ev.to) ? ev.pid : 0;
  if (ev.to === 'running' && ev.from !== 'running') {
    n.started_at = ev.time_ms;
    n.exit_code = null;
    n.signal = null;
  }
  // Why it errored (or waits for a dependency); a new start clears it, as in GET /processes.
  if (ev.error) n.error = ev.error;
  else if (ev.to === 'starting' || ev.to === 'running') delete n.error;
  // Cron and once apps: every run (scheduled, Run now, @reboot) moves last_run; the event
  // carries the daemon's own last_run / next_run.
  if ('last_run' in ev) n.last_run = ev.last_run;
  else if (ev.to === 'running' && (p.type === 'cron' || p.type === 'once')) n.last_run = ev.time_ms;
  if ('next_run' in ev) n.next_run = ev.next_run;
  if (!LIVE.has(ev.to)) {
    n.started_at = 0;
    n.cpu_percent = 0;
    n.memory_bytes = 0;
  }
  if ('exit_code' in ev) { n.exit_code = ev.exit_code; n.signal = null; n.exited_at = ev.time_ms; }
  if ('signal' in ev) { n.signal = ev.signal; n.exit_code = null; n.exited_at = ev.time_ms; }
  if (ev.to === 'disabled') n.enabled = false;
  else if (ev.reason === 'enabled') n.enabled = true;
  S.procs.set(ev.instance, n);
  return p;
}

function classify(ev, prev) {
  const type = prev?.type;
  if (ev.to === 'crashed') {
    const how = ev.exit_code != null ? `exit code ${ev.exit_code}` : ev.signal ? ev.signal : '';
    return { kind: 'crash', text: `crashed${how ? ` (${how})` : ''}` };
  }
  if (ev.to === 'errored') return { kind: 'crash', text: ev.error ? `errored: ${ev.error}` : 'errored' };
  if (ev.reason === 'restart' || ev.to === 'waiting' || ev.reason === 'watch' || ev.reason === 'spec changed') {
    if (ev.to !== 'running') restarting.add(ev.instance);
  }
  if (ev.to === 'running') {
    if (restarting.delete(ev.instance)) return { kind: 'restart', text: `restarted${ev.reason === 'backoff over' ? ' after a crash' : ''}` };
    if (type === 'cron' || type === 'once') return null;
    return { kind: 'start', text: 'started' };
  }
  if (ev.to === 'stopped' && ev.from === 'stopping') return { kind: 'stop', text: 'stopped' };
  if (ev.to === 'exited' && type === 'daemon') return { kind: 'stop', text: 'exited (code 0)' };
  return null;
}

function notify(list) {
  if (!list.length) return;
  const byKind = new Map();
  for (const n of list) {
    if (!S.settings[`notify_${n.kind}`]) continue;
    if (!byKind.has(n.kind)) byKind.set(n.kind, []);
    byKind.get(n.kind).push(n);
  }
  const out = [];
  const VERB = { crash: 'crashed', restart: 'restarted', start: 'started', stop: 'stopped' };
  for (const [kind, items] of byKind) {
    if (items.length > 4) {
      out.push({ kind, time_ms: items[items.length - 1].time_ms, app: null, count: items.length,
        text: `${items.length} processes ${VERB[kind]}`, names: items.map((i) => i.instance) });
    } else out.push(...items);
  }
  if (!out.length) return;
  S.notifs = [...out.reverse(), ...S.notifs].slice(0, 200);
  S.unread = Math.min(S.unread + out.length, 999);
  for (const n of out) n.id = ++notifId;
  emit('notifs');
}
let notifId = 0;
export function markNotifsRead() { S.unread = 0; emit('notifs'); }
export function clearNotifs() { S.notifs = []; S.unread = 0; emit('notifs'); }

const HISTORY = 900; // 30 min at 2 s: what alterd keeps too
function pushHist(name, t, cpu, mem) {
  let h = S.hist.get(name);
  if (!h) S.hist.set(name, (h = { t: [], cpu: [], mem: [] }));
  if (h.t.length && t - h.t[h.t.length - 1] < 500) return;
  h.t.push(t); h.cpu.push(cpu); h.mem.push(mem);
  h.v = (h.v || 0) + 1;
  if (h.t.length > HISTORY) { h.t.shift(); h.cpu.shift(); h.mem.shift(); }
}

// What alterd remembers of an app (GET /processes/{name}/history): its last state events and
// the CPU/memory samples of the last 30 minutes. Merged under what this page saw live.
const histLoaded = new Map(); // app or instance -> time of the last load
export async function loadHistory(name) {
  const r = await api('GET', `/processes/${enc(name)}/history`);
  if (!r.ok) return false;
  histLoaded.set(name, Date.now());
  const { app, events, samples } = r.data;
  let evs = S.appEvents.get(app);
  if (!evs) S.appEvents.set(app, (evs = []));
  const key = (e) => `${e.time_ms}|${e.instance}|${e.to}`;
  const seen = new Set(evs.map(key));
  const older = events.filter((e) => !seen.has(key(e)));
  if (older.length) {
    const all = [...older, ...evs].sort((a, b) => a.time_ms - b.time_ms);
    S.appEvents.set(app, all.slice(-200));
  }
  for (const [inst, s] of Object.entries(samples)) {
    const h = S.hist.get(inst);
    const first = h && h.t.length ? h.t[0] : Infinity;
    const t = [], cpu = [], mem = [];
    for (let i = 0; i < s.t.length; i++) {
      const ti = s.t[i] - S.skew; // browser time, like the live samples
      if (ti >= first - 500) break;
      t.push(ti); cpu.push(s.cpu[i]); mem.push(s.mem[i]);
    }
    if (!t.length) continue;
    const n = h ? { t: [...t, ...h.t], cpu: [...cpu, ...h.cpu], mem: [...mem, ...h.mem] } : { t, cpu, mem };
    const over = n.t.length - HISTORY;
    if (over > 0) { n.t.splice(0, over); n.cpu.splice(0, over); n.mem.splice(0, over); }
    n.v = (h ? h.v || 0 : 0) + 1;
    S.hist.set(inst, n);
  }
  emit('hist', 'events');
  return true;
}

// ---- the event stream
let es = null;
let queue = [];
let scheduled = false;
let retryTimer = 0;
let retryDelay = 1000;
let fallbackLoad = 0; // timer: read GET /processes even if the stream is slow to open
export let liveWanted = false;

function setConn(c) {
  if (S.conn !== c) { S.conn = c; emit('conn'); }
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  // rAF does not run in a hidden tab: flush on a timer there.
  if (document.hidden) setTimeout(flush, 250);
  else requestAnimationFrame(flush);
}

export function flush() {
  scheduled = false;
  if (loadingAll || !S.loaded) return; // loadProcesses() goes on from here
  const q = queue;
  queue = [];
  if (!q.length) return;
  const notes = [];
  const refetch = new Set();
  let hist = false;
  let stats = false;
  for (const ev of q) {
    if (ev.type === 'state') {
      if (inflight.has(ev.app)) inflight.get(ev.app).push(ev);
      const prev = applyState(ev);
      if (!prev) { if (!inflight.has(ev.app)) refetch.add(ev.app); continue; }
      let evs = S.appEvents.get(ev.app);
      if (!evs) S.appEvents.set(ev.app, (evs = []));
      evs.push(ev);
      if (evs.length > 200) evs.shift();
      const c = classify(ev, prev);
      if (c) notes.push({ ...c, time_ms: ev.time_ms, app: ev.app, instance: ev.instance });
    } else if (ev.type === 'added' || ev.type === 'updated') {
      refetch.add(ev.app);
    } else if (ev.type === 'removed') {
      removeApp(ev.app);
      refetch.delete(ev.app);
    } else if (ev.type === 'host') {
      S.stats = { host: ev };
      stats = true;
    } else if (ev.type === 'stats') {
      const p = S.procs.get(ev.instance);
      if (p && (p.cpu_percent !== ev.cpu_percent || p.memory_bytes !== ev.memory_bytes)) {
        S.procs.set(ev.instance, { ...p, cpu_percent: ev.cpu_percent, memory_bytes: ev.memory_bytes });
      }
      pushHist(ev.instance, ev.time_ms - S.skew, ev.cpu_percent, ev.memory_bytes);
      hist = true;
    }
  }
  for (const app of refetch) refetchApp(app);
  notify(notes);
  emit('procs');
  if (hist) emit('hist');
  if (stats) emit('stats');
  emit('events');
}

// A tab hidden for a minute gives up the stats (alterd then stops sampling, unless another
// client asks); they come back, with a fresh read of the list, when it is shown again.
let withStats = true;
let hiddenTimer = 0;
document.addEventListener('visibilitychange', () => {
  clearTimeout(hiddenTimer);
  if (!liveWanted) return;
  if (document.hidden) {
    hiddenTimer = setTimeout(() => { if (document.hidden && liveWanted && withStats) { withStats = false; connect(); } }, 60000);
  } else if (!withStats) {
    withStats = true;
    connect();
  }
});

function connect() {
  clearTimeout(retryTimer);
  if (es) es.close();
  setConn(S.conn === 'idle' ? 'connecting' : 'reconnecting');
  es = new EventSource(withStats ? '/api/v1/events?stats=1' : '/api/v1/events');
  es.onopen = () => {
    retryDelay = 1000;
    setConn('live');
    // No replay: read the current state once the stream is up (events from now on apply on
    // top of it): once at the start, again after a reconnect.
    clearTimeout(fallbackLoad);
    fallbackLoad = 0;
    loadProcesses();
  };
  const onEvent = (m) => {
    try { queue.push(JSON.parse(m.data)); } catch { return; }
    schedule();
  };
  for (const t of ['state', 'added', 'updated', 'removed', 'stats', 'host']) es.addEventListener(t, onEvent);
  es.onerror = async () => {
    if (!liveWanted) return;
    if (es && es.readyState !== EventSource.CLOSED) { setConn('reconnecting'); return; }
    es = null;
    setConn('down');
    // Closed for good: the session may be locked or gone (401/423), or the daemon down.
    const st = await api('GET', '/auth/status');
    if (!liveWanted) return;
    if (st.ok && (!st.data.authenticated || st.data.locked)) {
      authProblem(st.data.authenticated ? 'locked' : 'login');
      return;
    }
    retryTimer = setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  };
}
let authProblem = () => {};
export function setAuthProblemHandler(fn) { authProblem = fn; }

export function startLive() {
  liveWanted = true;
  withStats = true;
  connect();
  // The stream normally opens within milliseconds; should it not (a proxy holding it back),
  // read the list anyway (and once more when it opens).
  fallbackLoad = setTimeout(() => { fallbackLoad = 0; if (S.conn !== 'live') loadProcesses(); }, 3000);
  api('GET', '/system/health').then((h) => { if (h.ok) { S.health = h.data; emit('stats'); } });
}

export function stopLive() {
  liveWanted = false;
  if (es) { es.close(); es = null; }
  clearTimeout(retryTimer);
  clearTimeout(fallbackLoad); fallbackLoad = 0;
  setConn('idle');
}

// ---- derived data
export function namespaces() {
  const m = new Map();
  for (const n of S.order) {
    const p = S.procs.get(n);
    const e = m.get(p.namespace) || { name: p.namespace, total: 0, up: 0, bad: 0 };
    e.total++;
    if (p.status === 'running') e.up++;
    if (p.status === 'crashed' || p.status === 'errored') e.bad++;
    m.set(p.namespace, e);
  }
  return [...m.values()];
}

export function counts() {
  const c = { total: 0, active: 0, running: 0, stopped: 0, bad: 0, other: 0 };
  for (const p of S.procs.values()) {
    c.total++;
    if (isActive(p.status)) c.active++;
    if (p.status === 'running') c.running++;
    else if (p.status === 'crashed' || p.status === 'errored') c.bad++;
    else if (p.status === 'stopped' || p.status === 'exited' || p.status === 'disabled') c.stopped++;
    else c.other++;
  }
  return c;
}
