// SPDX-License-Identifier: MIT
// A human description of a cron expression (docs/CRON.md syntax: 5 or 6 fields, macros,
// lists, ranges, steps, month and weekday names). Best effort: the daemon validates.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MON_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DOW_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MACROS = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

const p2 = (n) => String(n).padStart(2, '0');
const ord = (n) => {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] || 'th');
  return `${n}${s}`;
};

function num(tok, kind) {
  const up = tok.toUpperCase();
  if (kind === 'month') { const i = MON_NAMES.indexOf(up); if (i >= 0) return i + 1; }
  if (kind === 'dow') { const i = DOW_NAMES.indexOf(up); if (i >= 0) return i; }
  if (!/^\d+$/.test(tok)) throw new Error('bad');
  return Number(tok);
}

// A field as {any, single, items:[{a,b,step}]}.
function parseField(f, kind) {
  if (f === '*' || f === '?') return { any: true };
  const items = f.split(',').map((it) => {
    let [range, step] = it.split('/');
    step = step ? Number(step) : 0;
    if (range === '*' || range === '?') return { a: null, b: null, step };
    const [a, b] = range.split('-');
    return { a: num(a, kind), b: b != null ? num(b, kind) : (step ? null : undefined), step };
  });
  const single = items.length === 1 && items[0].b === undefined && !items[0].step ? items[0].a : null;
  return { items, single };
}

function nameOf(v, kind) {
  if (kind === 'month') return MONTHS[v - 1] || String(v);
  if (kind === 'dow') return DAYS[v] || String(v);
  if (kind === 'hour') return `${p2(v)}:00`;
  return String(v);
}

function listText(parts) {
  if (parts.length <= 1) return parts[0] || '';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function itemText(it, kind, unit) {
  const n = (v) => nameOf(v, kind);
  if (it.step) {
    const every = it.step === 1 ? `every ${unit}` : `every ${ord(it.step)} ${unit}`;
    if (it.a == null) return every;
    return it.b == null ? `${every} from ${n(it.a)}` : `${every} from ${n(it.a)} through ${n(it.b)}`;
  }
  if (it.b !== undefined && it.b !== null) return `${n(it.a)} through ${n(it.b)}`;
  return n(it.a);
}

const fieldText = (f, kind, unit) => listText(f.items.map((it) => itemText(it, kind, unit)));

export function describeCron(expr) {
  try {
    let e = (expr || '').trim();
    if (!e) return null;
    if (e.toLowerCase() === '@reboot') return 'Once, when the daemon starts';
    if (e.startsWith('@')) e = MACROS[e.toLowerCase()];
    if (!e) return null;
    const parts = e.split(/\s+/);
    if (parts.length !== 5 && parts.length !== 6) return null;
    const [sec, min, hour, dom, mon, dow] = parts.length === 6 ? parts : ['0', ...parts];
    const S = parseField(sec), M = parseField(min), H = parseField(hour, 'hour');
    const DM = parseField(dom), MO = parseField(mon, 'month'), DW = parseField(dow, 'dow');

    let time;
    const simpleStep = (f) => !f.any && f.items.length === 1 && f.items[0].step && f.items[0].a == null;
    if (S.single != null && M.single != null && H.single != null) {
      time = `At ${p2(H.single)}:${p2(M.single)}${S.single ? ':' + p2(S.single) : ''}`;
    } else if (!S.any && S.single == null) {
      time = simpleStep(S) && M.any && H.any ? `Every ${S.items[0].step} seconds` : `At second ${fieldText(S, 'sec', 'second')}`;
      if (!(M.any && H.any) || !simpleStep(S)) {
        if (!M.any) time += `, minute ${fieldText(M, 'min', 'minute')}`;
        if (!H.any) time += `, hour ${fieldText(H, 'num', 'hour')}`;
      }
    } else if (M.any && H.any) {
      time = 'Every minute';
    } else if (simpleStep(M) && H.any) {
      time = `Every ${M.items[0].step} minutes`;
    } else if (M.single != null && H.any) {
      time = M.single === 0 ? 'Every hour, on the hour' : `At minute ${M.single} of every hour`;
    } else if (M.single != null && H.items.every((it) => it.b === undefined && !it.step) && H.items.length <= 6) {
      time = `At ${listText(H.items.map((it) => `${p2(it.a)}:${p2(M.single)}`))}`;
    } else if (M.single != null) {
      time = `At minute ${M.single} past ${fieldText(H, 'num', 'hour').replace(/^(\d+)/, 'hour $1')}`;
    } else {
      time = `${M.any ? 'Every minute' : `At minute ${fieldText(M, 'min', 'minute')}`}${H.any ? (M.any ? '' : ' of every hour') : `, hour ${fieldText(H, 'num', 'hour')}`}`;
    }
    if (S.single && !(S.single != null && M.single != null && H.single != null)) time += ` (second ${S.single})`;

    const days = [];
    if (!DM.any && !DW.any) days.push(`on day ${fieldText(DM, 'num', 'day')} of the month or on ${fieldText(DW, 'dow', 'day')}`);
    else if (!DM.any) days.push(`on day ${fieldText(DM, 'num', 'day')} of the month`);
    else if (!DW.any) days.push(`on ${fieldText(DW, 'dow', 'day')}`);
    if (!MO.any) days.push(`in ${fieldText(MO, 'month', 'month')}`);
    let text = days.length ? `${time}, ${days.join(', ')}` : (/^At \d/.test(time) ? `${time}, every day` : time);
    return text;
  } catch {
    return null;
  }
}
