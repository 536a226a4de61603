// SPDX-License-Identifier: MIT
// The log viewer: stored lines (GET …/logs) then live lines (SSE …/logs/stream with a backlog,
// de-duplicated against what was fetched), stdout/stderr and level colouring, text or regex
// search (typing filters what is loaded; Enter searches the stored files), tail size, pause,
// follow, previous days (…/logs/dates, ?date=), download and clear. The lines are plain DOM
// nodes appended in batches (one per animation frame), not virtual DOM.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, enc, errorText } from '../api.js';
import { S } from '../store.js';
import { fmtDate, fmtTime, logLevel } from '../util.js';
import { Icon } from './icons.jsx';
import { Button, confirm, IconButton, Menu, toast } from './ui.jsx';

const TAILS = [50, 100, 200, 500, 1000, 2000, 5000];
const LEVELS = [['error', 'Error'], ['warn', 'Warn'], ['info', 'Info'], ['debug', 'Debug'], ['', 'Other']];
const key = (l) => `${l.time_ms}|${l.stream}|${l.instance}|${l.text}`;

function prep(l) {
  l.level = logLevel(l.text, l.stream);
  return l;
}

function buildMatcher({ stream, q, regex, icase, levels }) {
  let re = null, err = '';
  if (q) {
    try {
      re = regex ? new RegExp(q, icase ? 'gi' : 'g') : new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), icase ? 'gi' : 'g');
    } catch (e) { err = e.message; }
  }
  const test = (l) => {
    if (stream !== 'all' && l.stream !== stream) return false;
    if (levels && !levels.has(l.level)) return false;
    if (re) { re.lastIndex = 0; return re.test(l.text); }
    return !err;
  };
  return { test, re, err };
}

function lineNode(l, re, showInstance) {
  const d = document.createElement('div');
  d.className = `ll s-${l.stream}${l.level ? ' lv-' + l.level : ''}`;
  const t = document.createElement('span');
  t.className = 'lt';
  t.textContent = fmtTime(l.time_ms, true);
  t.title = new Date(l.time_ms).toISOString();
  d.append(t);
  if (showInstance) {
    const i = document.createElement('span');
    i.className = 'li';
    i.textContent = l.instance;
    d.append(i);
  }
  const x = document.createElement('span');
  x.className = 'lx';
  if (re) {
    re.lastIndex = 0;
    let last = 0, m;
    while ((m = re.exec(l.text)) && m[0] !== '') {
      if (m.index > last) x.append(l.text.slice(last, m.index));
      const mk = document.createElement('mark');
      mk.textContent = m[0];
      x.append(mk);
      last = m.index + m[0].length;
    }
    if (last < l.text.length) x.append(l.text.slice(last));
  } else x.textContent = l.text;
  d.append(x);
  return d;
}

export function LogView({ name, compact = false, library = false, showInstance: showInstanceProp, onClear }) {
  const [tail, setTail] = useState(compact ? 50 : S.settings.tail_lines || 200);
  const [date, setDate] = useState('');
  const [dates, setDates] = useState([]);
  const [stream, setStream] = useState('all');
  const [q, setQ] = useState('');
  const [regex, setRegex] = useState(false);
  const [icase, setIcase] = useState(true);
  const [levels, setLevels] = useState(() => new Set(LEVELS.map((l) => l[0])));
  const [paused, setPaused] = useState(false);
  const [follow, setFollow] = useState(true);
  const [search, setSearch] = useState(null);
  const [status, setStatus] = useState('loading');
  const [error, setError] = useState('');
  const [counts, setCounts] = useState({ shown: 0, total: 0, pending: 0 });
  const body = useRef();
  const st = useRef({ buf: [], pending: [], seen: new Set(), cutoff: 0, queue: [], raf: 0, prog: false }).current;
  const showInstance = showInstanceProp ?? (library || name === 'all');
  const cap = Math.max(tail, 2000);

  st.matcher = buildMatcher({ stream, q, regex, icase, levels: library ? levels : null });
  st.follow = follow;
  st.paused = paused;

  const updateCounts = () => setCounts({ shown: body.current ? body.current.childElementCount : 0, total: st.buf.length, pending: st.pending.length });
  const scrollEnd = () => {
    const el = body.current;
    if (!el || !st.follow) return;
    st.prog = true;
    el.scrollTop = el.scrollHeight;
    requestAnimationFrame(() => { st.prog = false; });
  };
  const renderAll = () => {
    const el = body.current;
    if (!el) return;
    const { test, re } = st.matcher;
    const frag = document.createDocumentFragment();
    for (const l of st.buf) if (test(l)) frag.append(lineNode(l, re, showInstance));
    el.replaceChildren(frag);
    updateCounts();
    scrollEnd();
  };
  const append = (lines) => {
    const el = body.current;
    if (!el) return;
    st.buf.push(...lines);
    if (st.buf.length > cap) st.buf.splice(0, st.buf.length - cap);
    const { test, re } = st.matcher;
    const frag = document.createDocumentFragment();
    for (const l of lines) if (test(l)) frag.append(lineNode(l, re, showInstance));
    el.append(frag);
    while (el.childElementCount > cap) el.firstChild.remove();
    updateCounts();
    scrollEnd();
  };

  useLayoutEffect(renderAll, [stream, q, regex, icase, levels]);

  // Archived days.
  useEffect(() => {
    if (compact) return;
    api('GET', `/processes/${enc(name)}/logs/dates`).then((r) => setDates(r.ok ? r.data.dates : []));
  }, [name]);

  // Load stored lines, then follow the live stream (unless a day or a search is shown).
  useEffect(() => {
    const ctl = new AbortController();
    let es = null, retry = 0, alive = true;
    st.buf = []; st.pending = []; st.queue = []; st.seen = new Set();
    renderAll();
    setStatus('loading');
    setError('');
    const flush = () => {
      st.raf = 0;
      const lines = st.queue;
      st.queue = [];
      if (!lines.length) return;
      if (st.paused) { st.pending.push(...lines); if (st.pending.length > cap) st.pending.splice(0, st.pending.length - cap); updateCounts(); } else append(lines);
    };
    const open = () => {
      if (!alive) return;
      es = new EventSource(`/api/v1/processes/${enc(name)}/logs/stream?backlog=${Math.min(tail, 1000)}`);
      es.onopen = () => {
        const last = st.buf[st.buf.length - 1];
        st.cutoff = last ? last.time_ms : 0;
        st.seen = new Set(st.buf.slice(-1000).map(key));
        setStatus('live');
      };
      es.addEventListener('log', (m) => {
        let l;
        try { l = JSON.parse(m.data); } catch { return; }
        if (l.time_ms < st.cutoff || (l.time_ms <= st.cutoff && st.seen.has(key(l)))) return;
        st.queue.push(prep(l));
        if (!st.raf) st.raf = document.hidden ? setTimeout(flush, 250) : requestAnimationFrame(flush);
      });
      es.onerror = () => {
        if (es.readyState === EventSource.CLOSED) {
          setStatus('reconnecting');
          es = null;
          // A check that lets a 401/423 reach the auth handler; else try again.
          api('GET', `/processes/${enc(name)}/logs/dates`).then(() => { retry = setTimeout(open, 3000); });
        } else setStatus('reconnecting');
      };
    };
    (async () => {
      const p = new URLSearchParams({ lines: String(tail) });
      if (date) p.set('date', date);
      if (search) {
        p.set('grep', search.q);
        if (search.regex) p.set('regex', '1');
        if (search.icase) p.set('icase', '1');
      }
      let r;
      try { r = await api('GET', `/processes/${enc(name)}/logs?${p}`, undefined, { signal: ctl.signal }); } catch { return; }
      if (!alive) return;
      if (!r.ok) { setStatus('error'); setError(errorText(r)); return; }
      st.buf = r.data.lines.map(prep);
      renderAll();
      if (date || search) { setStatus(search ? 'search' : 'archive'); return; }
      open();
    })();
    return () => {
      alive = false;
      ctl.abort();
      if (es) es.close();
      clearTimeout(retry);
      if (st.raf) { cancelAnimationFrame(st.raf); clearTimeout(st.raf); st.raf = 0; }
    };
  }, [name, tail, date, search]);

  const resume = () => {
    setPaused(false);
    st.paused = false;
    const p = st.pending;
    st.pending = [];
    if (p.length) append(p);
    else updateCounts();
  };
  const onScroll = () => {
    const el = body.current;
    if (st.prog || !el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atBottom !== st.follow) setFollow(atBottom);
  };
  const jump = () => { st.follow = true; setFollow(true); scrollEnd(); };

  const submitSearch = (e) => {
    e.preventDefault();
    if (!q) { setSearch(null); return; }
    if (st.matcher.err) return;
    setSearch({ q, regex, icase });
  };
  const clear = async () => {
    if (S.settings.confirm_clear_logs && !(await confirm({
      title: `Clear the logs of ${name === 'all' ? 'every process' : name}?`,
      body: 'This deletes the current and rotated log files and the lines kept in memory. The processes keep running.',
      confirmLabel: 'Clear logs', danger: true,
    }))) return;
    const r = await api('DELETE', `/processes/${enc(name)}/logs`);
    if (!r.ok) return toast(errorText(r), 'error');
    st.buf = []; st.pending = [];
    renderAll();
    toast('Logs cleared', 'ok');
    if (onClear) onClear();
  };
  const downloadView = () => {
    const { test } = st.matcher;
    const text = st.buf.filter(test).map((l) => `${new Date(l.time_ms).toISOString()} ${showInstance ? `[${l.instance}] ` : ''}${l.stream === 'err' ? 'ERR ' : ''}${l.text}`).join('\n') + '\n';
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    a.download = `${name}-${fmtDate(Date.now())}${q ? '-filtered' : ''}.log`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const dl = (s) => `/api/v1/processes/${enc(name)}/logs/download?stream=${s}${date ? `&date=${date}` : ''}`;
  const statusText = { loading: 'Loading…', live: paused ? 'Paused' : 'Live', reconnecting: 'Reconnecting…', archive: `Archive ${date}`, search: 'Search results', error: 'Error' }[status];

  return (
    <div class={`logview${compact ? ' compact' : ''}`}>
      {!compact && (
        <div class="log-toolbar">
          <form class="log-search" role="search" onSubmit={submitSearch}>
            <Icon name="search" />
            <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder={regex ? 'Regular expression…' : 'Filter lines… (Enter searches the files)'}
              aria-label="Search log lines" aria-invalid={st.matcher.err ? 'true' : undefined} class={st.matcher.err ? 'invalid' : ''} />
            <button type="button" class={`chip-toggle${regex ? ' on' : ''}`} aria-pressed={regex ? 'true' : 'false'} onClick={() => setRegex(!regex)} title="Regular expression">.*</button>
            <button type="button" class={`chip-toggle${!icase ? ' on' : ''}`} aria-pressed={!icase ? 'true' : 'false'} onClick={() => setIcase(!icase)} title="Match case">Aa</button>
          </form>
          <label class="sel">
            <span class="sr-only">Stream</span>
            <select value={stream} onChange={(e) => setStream(e.currentTarget.value)} aria-label="Stream">
              <option value="all">stdout + stderr</option>
              <option value="out">stdout</option>
              <option value="err">stderr</option>
            </select>
          </label>
          <label class="sel">
            <span class="sr-only">Tail lines</span>
            <select value={tail} onChange={(e) => setTail(Number(e.currentTarget.value))} aria-label="Tail lines">
              {[...new Set([...TAILS, tail])].sort((a, b) => a - b).map((n) => <option key={n} value={n}>{n} lines</option>)}
            </select>
          </label>
          <label class="sel">
            <span class="sr-only">Day</span>
            <select value={date} onChange={(e) => { setSearch(null); setDate(e.currentTarget.value); }} aria-label="Day">
              <option value="">Live (current)</option>
              {dates.map((d) => <option key={d} value={d}>{d}</option>)}
            </select>
          </label>
          <div class="log-actions">
            {!date && !search && (paused
              ? <Button size="sm" icon="play" onClick={resume}>Resume{counts.pending ? ` (${counts.pending})` : ''}</Button>
              : <Button size="sm" icon="pause" onClick={() => setPaused(true)}>Pause</Button>)}
            <Button size="sm" icon="follow" class={follow ? 'is-on' : ''} aria-pressed={follow ? 'true' : 'false'} onClick={() => (follow ? setFollow(false) : jump())}>Auto-scroll</Button>
            {name !== 'all'
              ? <Menu label="Download" icon="download" text="Download" items={[
                { label: 'stdout file', href: dl('out'), download: true },
                { label: 'stderr file', href: dl('err'), download: true },
                { label: 'Lines shown', onClick: downloadView },
              ]} />
              : <Button size="sm" icon="download" onClick={downloadView}>Download</Button>}
            <Button size="sm" icon="trash" variant="danger-ghost" onClick={clear}>Clear</Button>
          </div>
        </div>
      )}
      {library && !compact && (
        <div class="level-filter" role="group" aria-label="Levels">
          {LEVELS.map(([lv, label]) => (
            <button type="button" key={lv} class={`level-chip lv-${lv || 'none'}${levels.has(lv) ? ' on' : ''}`} aria-pressed={levels.has(lv) ? 'true' : 'false'}
              onClick={() => { const n = new Set(levels); if (n.has(lv)) n.delete(lv); else n.add(lv); setLevels(n); }}>
              <i aria-hidden="true" />{label}
            </button>
          ))}
        </div>
      )}
      {(search || st.matcher.err || error) && !compact && (
        <div class={`log-banner${st.matcher.err || error ? ' bad' : ''}`}>
          {error ? <span>{error}</span> : st.matcher.err ? <span>Invalid regular expression: {st.matcher.err}</span> : (
            <>
              <span>{counts.total} stored line{counts.total === 1 ? '' : 's'} matching “{search.q}”{search.regex ? ' (regex)' : ''}, newest {tail} at most</span>
              <Button size="sm" variant="ghost" onClick={() => setSearch(null)}>Back to live</Button>
            </>
          )}
        </div>
      )}
      <div class="log-wrap">
        <div class="log-body" ref={body} role="log" aria-label={`Log lines of ${name}`} tabIndex={0} onScroll={onScroll} />
        {counts.shown === 0 && status !== 'loading' && <div class="log-empty">{q || search ? 'No matching lines' : 'No log lines yet'}</div>}
        {!follow && counts.shown > 0 && <Button class="jump" size="sm" variant="primary" icon="follow" onClick={jump}>Latest</Button>}
      </div>
      <div class="log-status">
        <span class={`live-dot st-${status}${paused ? ' paused' : ''}`} aria-hidden="true" />
        <span>{statusText}</span>
        <span class="muted">{counts.shown} of {counts.total} lines{counts.pending ? ` · ${counts.pending} waiting` : ''}</span>
        {compact && <IconButton icon="pause" label={paused ? 'Resume' : 'Pause'} onClick={() => (paused ? resume() : setPaused(true))} />}
      </div>
    </div>
  );
}
