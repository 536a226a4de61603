// SPDX-License-Identifier: MIT
// The frame: sidebar (navigation, namespace filters, save / lock / shutdown / log out),
// page header, status bar (connection, host CPU and memory, notifications).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, call } from '../api.js';
import { Icon, Logo } from '../components/icons.jsx';
import { act, Bar, confirm, IconButton, toast } from '../components/ui.jsx';
import { href } from '../router.js';
import { clearNotifs, counts, markNotifsRead, namespaces, S, useTopic } from '../store.js';
import { fmtBytes, fmtDuration, fmtPercent, fmtRelative } from '../util.js';

const NAV = [
  { id: 'processes', label: 'Processes', icon: 'layers', to: '#/processes' },
  { id: 'cron', label: 'Cron jobs', icon: 'calendar', to: '#/cron' },
  { id: 'logs', label: 'Log library', icon: 'book', to: '#/logs' },
  { id: 'volume', label: 'Log volume', icon: 'chart', to: '#/volume' },
  { id: 'settings', label: 'Settings', icon: 'settings', to: '#/settings' },
];

function Sidebar({ section, route, open, onClose, onLock, onLogout, onShutdown }) {
  useTopic('procs');
  const ns = namespaces();
  const c = counts();
  const q = route.query;
  const onList = section === 'processes' && route.parts.length <= 1;
  const activeNs = onList ? q.get('ns') : null;
  const activeOnly = onList && q.get('active') === '1';
  const save = () => act(async () => {
    const d = await call('POST', '/system/save');
    toast(`State saved: ${d.saved} app${d.saved === 1 ? '' : 's'}`, 'ok');
  });
  return (
    <nav class={`sidebar${open ? ' open' : ''}`} aria-label="Main">
      <div class="brand">
        <Logo />
        <span class="brand-name">alter</span>
        <IconButton icon="x" label="Close menu" class="only-narrow" onClick={onClose} />
      </div>
      <ul class="nav">
        {NAV.map((n) => (
          <li key={n.id}>
            <a href={n.to} class={section === n.id ? 'active' : ''} aria-current={section === n.id ? 'page' : undefined} onClick={onClose}>
              <Icon name={n.icon} /><span>{n.label}</span>
              {n.id === 'processes' && c.total > 0 && <span class="nav-count">{c.total}</span>}
            </a>
          </li>
        ))}
      </ul>
      <div class="side-section">
        <h2 class="side-title">Filters</h2>
        <ul class="nav nav-filters">
          <li><a href="#/processes" class={onList && !activeNs && !activeOnly ? 'active' : ''} onClick={onClose}>
            <span class="ns-dot all" aria-hidden="true" /><span>All processes</span><span class="nav-count">{c.total}</span></a></li>
          <li><a href="#/processes?active=1" class={activeOnly ? 'active' : ''} onClick={onClose}>
            <span class="ns-dot up" aria-hidden="true" /><span>Active</span><span class="nav-count" title="Running, starting or stopping">{c.active}</span></a></li>
        </ul>
        {ns.length > 0 && <h2 class="side-title">Namespaces</h2>}
        <ul class="nav nav-filters">
          {ns.map((n) => (
            <li key={n.name}>
              <a href={`#/processes?ns=${encodeURIComponent(n.name)}`} class={activeNs === n.name ? 'active' : ''} onClick={onClose}
                aria-label={`Namespace ${n.name}: ${n.up} of ${n.total} running`}>
                <span class={`ns-dot${n.bad ? ' bad' : n.up === n.total ? ' up' : n.up ? ' part' : ''}`} aria-hidden="true" />
                <span class="ns-name" title={n.name}>{n.name}</span><span class="nav-count">{n.up}/{n.total}</span>
              </a>
            </li>
          ))}
        </ul>
      </div>
      <div class="side-footer">
        <button type="button" class="side-btn" onClick={save}><Icon name="save" /><span>Save state</span></button>
        <button type="button" class="side-btn" onClick={onLock}><Icon name="lock" /><span>Lock screen</span></button>
        <button type="button" class="side-btn danger" onClick={onShutdown}><Icon name="power" /><span>Shutdown daemon</span></button>
        <button type="button" class="side-btn" onClick={onLogout}><Icon name="logout" /><span>Log out</span></button>
      </div>
    </nav>
  );
}

const KIND_ICON = { crash: 'alert', restart: 'restart', start: 'play', stop: 'stop' };

function Notifications({ onClose }) {
  useTopic('notifs');
  const ref = useRef();
  useEffect(() => {
    markNotifsRead();
    ref.current?.querySelector('button, a')?.focus();
    const key = (e) => { if (e.key === 'Escape') onClose(true); };
    const click = (e) => { if (!ref.current?.contains(e.target) && !e.target.closest('.bell')) onClose(false); };
    addEventListener('keydown', key);
    addEventListener('pointerdown', click);
    return () => { removeEventListener('keydown', key); removeEventListener('pointerdown', click); };
  }, []);
  useEffect(() => { if (S.unread) markNotifsRead(); });
  return (
    <div class="popover notif-panel" ref={ref} role="dialog" aria-label="Notifications">
      <div class="popover-head">
        <h2>Notifications</h2>
        <button type="button" class="link-btn" onClick={clearNotifs} disabled={!S.notifs.length}>Clear all</button>
        <IconButton icon="x" label="Close notifications" onClick={() => onClose(true)} />
      </div>
      {S.notifs.length === 0
        ? <p class="muted pad">No notifications yet. Crashes, restarts, starts and stops show up here.</p>
        : (
          <ul class="notif-list">
            {S.notifs.map((n) => (
              <li key={n.id} class={`notif k-${n.kind}`}>
                <span class="notif-icon"><Icon name={KIND_ICON[n.kind]} size={14} /></span>
                <div>
                  <p>{n.app ? <a href={href('processes', n.instance)} onClick={() => onClose(false)}>{n.instance}</a> : null} {n.text}</p>
                  {n.names && <p class="muted small ellipsis">{n.names.slice(0, 12).join(', ')}{n.names.length > 12 ? '…' : ''}</p>}
                  <time class="muted small">{fmtRelative(n.time_ms)}</time>
                </div>
              </li>
            ))}
          </ul>
        )}
    </div>
  );
}

function StatusBar() {
  useTopic('stats', 'conn', 'notifs');
  const [open, setOpen] = useState(false);
  const bell = useRef();
  const h = S.stats && S.stats.host;
  const memPct = h && h.mem_total_bytes ? (h.mem_used_bytes / h.mem_total_bytes) * 100 : 0;
  const conn = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', down: 'Disconnected', idle: 'Offline' }[S.conn];
  const hasCrash = S.unread > 0 && S.notifs.slice(0, S.unread).some((n) => n.kind === 'crash');
  return (
    <footer class="statusbar">
      <span class={`conn conn-${S.conn}`} title="Event stream"><span class="conn-dot" aria-hidden="true" />{conn}</span>
      {S.health && <span class="muted hide-narrow">alterd {S.health.version} · pid {S.health.pid}</span>}
      <span class="grow" />
      {h && (
        <>
          <span class="stat" title={`Host CPU: ${fmtPercent(h.cpu_percent)} of ${h.cpus} cores · load ${h.load}`}>
            <Icon name="cpu" size={14} /><span class="stat-label">CPU</span><Bar value={h.cpu_percent} /><span class="num">{fmtPercent(h.cpu_percent)}</span>
          </span>
          <span class="stat" title={`Host memory: ${fmtBytes(h.mem_used_bytes)} used of ${fmtBytes(h.mem_total_bytes)}`}>
            <span class="stat-label">MEM</span><Bar value={memPct} /><span class="num">{fmtBytes(h.mem_used_bytes)}<span class="hide-narrow"> / {fmtBytes(h.mem_total_bytes)}</span></span>
          </span>
        </>
      )}
      <div class="bell-wrap">
        <button type="button" ref={bell} class={`bell btn btn-icon btn-ghost${hasCrash ? ' crash' : ''}`} aria-haspopup="dialog" aria-expanded={open ? 'true' : 'false'}
          aria-label={`Notifications${S.unread ? ` (${S.unread} unread)` : ''}`} title="Notifications" onClick={() => setOpen(!open)}>
          <Icon name="bell" />
          {S.unread > 0 && <span class="badge">{S.unread > 99 ? '99+' : S.unread}</span>}
        </button>
        {open && <Notifications onClose={(refocus) => { setOpen(false); if (refocus) bell.current?.focus(); }} />}
      </div>
    </footer>
  );
}

export function Layout({ section, route, title, children, onLock, onLogout, onShutdown }) {
  const [menu, setMenu] = useState(false);
  useEffect(() => setMenu(false), [route.path]);
  useEffect(() => {
    if (!menu) return undefined;
    const k = (e) => { if (e.key === 'Escape') setMenu(false); };
    addEventListener('keydown', k);
    return () => removeEventListener('keydown', k);
  }, [menu]);
  return (
    <div class="app">
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <Sidebar section={section} route={route} open={menu} onClose={() => setMenu(false)} onLock={onLock} onLogout={onLogout} onShutdown={onShutdown} />
      {menu && <div class="scrim" onClick={() => setMenu(false)} aria-hidden="true" />}
      <div class="main-col">
        <div class="mobile-bar">
          <IconButton icon="menu" label="Open menu" onClick={() => setMenu(true)} />
          <Logo size={24} /><span class="brand-name">alter</span><span class="mobile-title">{title}</span>
        </div>
        <main id="main" class="main" tabIndex={-1}>{children}</main>
        <StatusBar />
      </div>
    </div>
  );
}

export function PageHeader({ title, sub, children, back }) {
  return (
    <header class="page-header">
      <div class="page-title">
        {back && <a class="back" href={back.href} aria-label={back.label || 'Back'}><Icon name="left" /></a>}
        <div>
          <h1>{title}</h1>
          {sub && <p class="page-sub">{sub}</p>}
        </div>
      </div>
      <div class="page-actions">{children}</div>
    </header>
  );
}

export async function shutdownDaemon() {
  if (S.settings.confirm_shutdown && !(await confirm({
    title: 'Shut down the daemon?',
    body: 'alterd saves its state, stops every process and exits. This dashboard stops with it; start it again with `alter daemon start`.',
    confirmLabel: 'Shut down', danger: true,
  }))) return false;
  const r = await api('POST', '/system/shutdown');
  if (!r.ok && r.status !== 202) { toast('Shutdown failed', 'error'); return false; }
  return true;
}

export { fmtDuration };
