// SPDX-License-Identifier: MIT
// Formatting and small parsers shared by the pages.

export function fmtBytes(n, digits = 1) {
  if (n == null || !isFinite(n)) return '–';
  if (n < 1024) return `${n | 0} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let i = -1;
  do { n /= 1024; i++; } while (n >= 1024 && i < units.length - 1);
  return `${n.toFixed(n >= 100 ? 0 : digits)} ${units[i]}`;
}

export function fmtPercent(p) {
  if (p == null || !isFinite(p)) return '–';
  return p >= 10 ? `${Math.round(p)}%` : `${p.toFixed(1)}%`;
}

export function fmtDuration(ms) {
  if (!ms || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

export function fmtShortDuration(ms) {
  if (ms == null) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
  return fmtDuration(ms);
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

export function fmtTime(ms, withMs = false) {
  const d = new Date(ms);
  const t = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${t}.${pad(d.getMilliseconds(), 3)}` : t;
}

export function fmtDate(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function fmtDateTime(ms) {
  if (!ms) return '–';
  const d = new Date(ms);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (sameDay) return `today ${hm}`;
  const tomorrow = new Date(today.getTime() + 86400000);
  if (d.toDateString() === tomorrow.toDateString()) return `tomorrow ${hm}`;
  const opts = { weekday: 'short', month: 'short', day: 'numeric' };
  if (d.getFullYear() !== today.getFullYear()) opts.year = 'numeric';
  return `${d.toLocaleDateString(undefined, opts)} ${hm}`;
}

// "in 5m", "3h ago".
export function fmtRelative(ms, now = Date.now()) {
  if (!ms) return '–';
  const diff = ms - now;
  const a = Math.abs(diff);
  let s;
  if (a < 45000) s = `${Math.max(1, Math.round(a / 1000))}s`;
  else if (a < 3600000) s = `${Math.round(a / 60000)}m`;
  else if (a < 86400000) s = `${Math.round(a / 3600000)}h`;
  else s = `${Math.round(a / 86400000)}d`;
  return diff >= 0 ? `in ${s}` : `${s} ago`;
}

// Command-line words to one string, quoting where needed (the API splits it the same way).
export function joinArgs(args) {
  return (args || []).map((a) => {
    if (a === '') return "''";
    if (/^[\w@%+=:,./-]+$/.test(a)) return a;
    if (!a.includes("'")) return `'${a}'`;
    return `"${a.replace(/(["\\$`])/g, '\\$1')}"`;
  }).join(' ');
}

// KEY=VALUE lines to an object; returns {env} or {error, line}.
export function parseEnv(text) {
  const env = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l || l.startsWith('#')) continue;
    const eq = l.indexOf('=');
    if (eq <= 0) return { error: `line ${i + 1}: expected KEY=VALUE`, line: i + 1 };
    const k = l.slice(0, eq).trim().replace(/^export\s+/, '');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) return { error: `line ${i + 1}: '${k}' is not a variable name`, line: i + 1 };
    let v = l.slice(eq + 1).trim();
    if (v.length >= 2 && ((v[0] === '"' && v.endsWith('"')) || (v[0] === "'" && v.endsWith("'")))) v = v.slice(1, -1);
    env[k] = v;
  }
  return { env };
}

export function envToText(env) {
  return Object.entries(env || {}).map(([k, v]) => `${k}=${v}`).join('\n');
}

const SECRET = /pass|secret|token|key|auth|cred|private/i;
export const isSecretName = (k) => SECRET.test(k);

// ERROR / WARN / INFO / DEBUG found in a log line's text.
const LEVEL_RE = /\b(fatal|panic|crit(?:ical)?|err(?:or)?|warn(?:ing)?|info|notice|debug|trace)\b/i;
export function logLevel(text, stream) {
  const m = LEVEL_RE.exec(text.length > 200 ? text.slice(0, 200) : text);
  if (m) {
    const w = m[1].toLowerCase();
    if (w === 'fatal' || w === 'panic' || w.startsWith('crit') || w.startsWith('err')) return 'error';
    if (w.startsWith('warn')) return 'warn';
    if (w === 'info' || w === 'notice') return 'info';
    return 'debug';
  }
  return stream === 'err' ? 'error' : '';
}

export function debounce(fn, ms) {
  let t;
  const d = (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
  d.cancel = () => clearTimeout(t);
  return d;
}

export const STATUS_LABEL = {
  running: 'running', starting: 'starting', stopping: 'stopping', stopped: 'stopped', exited: 'exited',
  crashed: 'crashed', waiting: 'waiting', errored: 'errored', disabled: 'disabled',
};
export const isUp = (s) => s === 'running' || s === 'starting' || s === 'stopping' || s === 'waiting';
// "Active" (the sidebar filter and its count): has a process right now. A cron job between
// runs or an app in its restart backoff is `waiting`, not active.
export const isActive = (s) => s === 'running' || s === 'starting' || s === 'stopping';
export const isBad = (s) => s === 'crashed' || s === 'errored';
