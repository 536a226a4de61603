// SPDX-License-Identifier: MIT
// The process list: table or cards, grouped by namespace (collapsible), filtered by the
// sidebar (namespace, active) and the search box. Rows are memoised on their process object:
// a state change re-renders only the rows it touches.
import { useLayoutEffect, useState } from 'preact/hooks';
import { deleteApp, nsAction, resetProc, restartProc, setEnabled, startProc, stopProc } from '../actions.js';
import { Sparkline } from '../components/charts.jsx';
import { Icon } from '../components/icons.jsx';
import { Bar, Empty, FloatingMenu, IconButton, LinkButton, memo, Segmented, Spinner, StatusPill, Uptime } from '../components/ui.jsx';
import { href } from '../router.js';
import { counts, S, updateSettings, useTopic } from '../store.js';
import { fmtBytes, fmtPercent, isActive, isUp, joinArgs } from '../util.js';
import { PageHeader } from './Layout.jsx';

let firstRenderMarked = false;

function matches(p, q) {
  if (!q) return true;
  const hay = `${p.name} ${p.app} ${p.namespace} ${p.command} ${(p.args || []).join(' ')} ${p.status}`.toLowerCase();
  return q.toLowerCase().split(/\s+/).every((w) => hay.includes(w));
}

// Row buttons carry data-act / data-name; one click handler on the list runs them (a row has
// no listeners of its own).
const actBtn = (act, icon, label, name, disabled, cls = '') => (
  <button type="button" class={`btn btn-icon btn-ghost${cls}`} data-act={act} data-name={name} aria-label={label} title={label} disabled={disabled}>
    <Icon name={icon} />
  </button>
);

function Actions({ p }) {
  const up = isUp(p.status);
  const disabled = p.enabled === false;
  return (
    <div class="row-actions">
      {up ? actBtn('stop', 'stop', `Stop ${p.name}`, p.name, p.status === 'stopping') : actBtn('start', 'play', `Start ${p.name}`, p.name, disabled, ' go')}
      {actBtn('restart', 'restart', `Restart ${p.name}`, p.name, disabled)}
      <a class="btn btn-icon btn-ghost" href={href('processes', p.name, 'logs')} aria-label={`Logs of ${p.name}`} title="Logs"><Icon name="logs" /></a>
      <button type="button" class="btn btn-icon btn-ghost" data-act="menu" data-name={p.name} aria-haspopup="menu" aria-label={`More actions for ${p.name}`} title="More actions">
        <Icon name="more" />
      </button>
    </div>
  );
}

function rowMenuItems(p) {
  const disabled = p.enabled === false;
  return [
    { label: 'Details', icon: 'info', href: href('processes', p.name) },
    { label: 'Edit', icon: 'edit', href: href('processes', p.app, 'edit') },
    { label: disabled ? 'Enable' : 'Disable', icon: disabled ? 'check' : 'ban', onClick: () => setEnabled(p.app, disabled) },
    (p.status === 'errored' || p.restarts > 0) && { label: 'Reset counters', icon: 'history', onClick: () => resetProc(p.name) },
    { label: p.app !== p.name ? `Delete ${p.app}` : 'Delete', icon: 'trash', danger: true, onClick: () => deleteApp(p.app) },
  ];
}

// Why a process is not running (spawn error, gave up, waits for a dependency), if it says.
const whyNot = (p) => (p.error && p.status !== 'running' ? p.error : '');

const Row = memo(({ p }) => {
  const up = p.status === 'running';
  const why = whyNot(p);
  const cmd = `${p.command} ${joinArgs(p.args)}`;
  return (
    <tr class={`prow${p.enabled === false ? ' is-disabled' : ''} st-${p.status}`} data-name={p.name}>
      <td class="c-status"><StatusPill status={p.status} enabled={p.enabled} title={why || undefined} /></td>
      <td class="c-name">
        <a href={href('processes', p.name)} class="pname" title={p.name}>{p.name}</a>
        {why ? <span class="pwhy" title={`${why}\n${cmd}`}>{why}</span> : <span class="pcmd" title={cmd}>{cmd}</span>}
      </td>
      <td class="c-pid num">{p.pid || '–'}</td>
      <td class="c-uptime">{up ? <Uptime since={p.started_at} /> : <span class="muted">–</span>}</td>
      <td class="c-restarts num">{p.restarts}</td>
      <td class="c-cpu">{up ? <span class="metric"><Bar value={p.cpu_percent} /><span class="num">{fmtPercent(p.cpu_percent)}</span></span> : <span class="muted">–</span>}</td>
      <td class="c-mem num">{up ? fmtBytes(p.memory_bytes) : <span class="muted">–</span>}</td>
      <td class="c-actions"><Actions p={p} /></td>
    </tr>
  );
});

const Card = memo(({ p, hist }) => { // eslint-disable-line no-unused-vars
  const up = p.status === 'running';
  const why = whyNot(p);
  const cmd = `${p.command} ${joinArgs(p.args)}`;
  return (
    <article class={`pcard${p.enabled === false ? ' is-disabled' : ''} st-${p.status}`} data-name={p.name} aria-label={p.name}>
      <header>
        <a href={href('processes', p.name)} class="pname" title={p.name}>{p.name}</a>
        <StatusPill status={p.status} enabled={p.enabled} title={why || undefined} />
      </header>
      {why ? <p class="pwhy" title={`${why}\n${cmd}`}>{why}</p> : <p class="pcmd" title={cmd}>{cmd}</p>}
      <div class="card-metrics">
        <div>
          <span class="k">CPU</span>
          <span class="v num">{up ? fmtPercent(p.cpu_percent) : '–'}</span>
          <Sparkline values={up && hist ? hist.cpu.slice(-30) : []} color={0} />
        </div>
        <div>
          <span class="k">Memory</span>
          <span class="v num">{up ? fmtBytes(p.memory_bytes) : '–'}</span>
          <Sparkline values={up && hist ? hist.mem.slice(-30) : []} color={1} />
        </div>
      </div>
      <dl class="card-facts">
        <div><dt>Uptime</dt><dd>{up ? <Uptime since={p.started_at} /> : '–'}</dd></div>
        <div><dt>Restarts</dt><dd class="num">{p.restarts}</dd></div>
        <div><dt>PID</dt><dd class="num">{p.pid || '–'}</dd></div>
      </dl>
      <footer><Actions p={p} /></footer>
    </article>
  );
});

function CardWithHist({ p }) {
  const hist = S.hist.get(p.name);
  return <Card p={p} hist={hist} hv={hist && hist.v} />;
}

function GroupHeader({ ns, items, collapsed, toggle, cols }) {
  const up = items.filter((p) => p.status === 'running').length;
  const bad = items.filter((p) => p.status === 'crashed' || p.status === 'errored').length;
  const head = (
    <div class="group-head">
      <button type="button" class="group-toggle" aria-expanded={collapsed ? 'false' : 'true'} onClick={toggle} aria-label={`${collapsed ? 'Expand' : 'Collapse'} namespace ${ns}`}>
        <Icon name={collapsed ? 'right' : 'down'} />
        <span class="group-name">{ns}</span>
      </button>
      <span class="group-count">{up}/{items.length} running{bad ? <span class="bad-count"> · {bad} failing</span> : ''}</span>
      <span class="grow" />
      <div class="group-actions">
        <IconButton icon="play" label={`Start namespace ${ns}`} onClick={() => nsAction(ns, 'start')} />
        <IconButton icon="stop" label={`Stop namespace ${ns}`} onClick={() => nsAction(ns, 'stop')} />
        <IconButton icon="restart" label={`Restart namespace ${ns}`} onClick={() => nsAction(ns, 'restart')} />
      </div>
    </div>
  );
  return cols ? <tr class="group-row"><th colSpan={cols} scope="rowgroup">{head}</th></tr> : head;
}

export function ProcessList({ route }) {
  useTopic('procs', 'settings', 'hist');
  const [query, setQuery] = useState('');
  const [menu, setMenu] = useState(null); // {p, anchor}
  const onAct = (e) => {
    const b = e.target.closest('[data-act]');
    if (!b || b.disabled) return;
    const name = b.dataset.name;
    const p = S.procs.get(name);
    if (!p) return;
    const act = b.dataset.act;
    if (act === 'start') startProc(name);
    else if (act === 'stop') stopProc(name);
    else if (act === 'restart') restartProc(name);
    else if (act === 'menu') setMenu(menu && menu.anchor === b ? null : { name, anchor: b });
  };
  const view = S.settings.default_view === 'cards' ? 'cards' : 'table';
  const ns = route.query.get('ns');
  const active = route.query.get('active') === '1';
  const collapsed = new Set(S.settings.collapsed || []);
  const toggle = (name) => {
    const c = new Set(collapsed);
    if (c.has(name)) c.delete(name); else c.add(name);
    updateSettings({ collapsed: [...c] });
  };

  const groups = (() => {
    const m = new Map();
    for (const n of S.order) {
      const p = S.procs.get(n);
      if (ns && p.namespace !== ns) continue;
      if (active && !isActive(p.status)) continue;
      if (!matches(p, query)) continue;
      if (!m.has(p.namespace)) m.set(p.namespace, []);
      m.get(p.namespace).push(p);
    }
    return [...m.entries()];
  })();

  const shown = groups.reduce((a, [, l]) => a + l.length, 0);
  useLayoutEffect(() => {
    if (firstRenderMarked || !S.loaded) return;
    firstRenderMarked = true;
    performance.mark('alter:list-rendered');
    try { performance.measure('alter:list-render', 'alter:procs-loaded', 'alter:list-rendered'); } catch { /* no start mark */ }
    requestAnimationFrame(() => setTimeout(() => {
      performance.mark('alter:list-painted');
      try { performance.measure('alter:list-paint', 'alter:procs-loaded', 'alter:list-painted'); } catch { /* no start mark */ }
    }, 0));
  });

  const c = counts();
  const title = ns ? `Namespace ${ns}` : active ? 'Active processes' : 'Processes';
  const sub = S.loaded ? (
    <span class="summary">
      <span class="sum s-running">{c.running} running</span>
      <span class="sum s-stopped">{c.stopped} stopped</span>
      {c.bad > 0 && <span class="sum s-errored">{c.bad} failing</span>}
      {c.other > 0 && <span class="sum s-waiting">{c.other} waiting or starting</span>}
    </span>
  ) : null;
  return (
    <>
      <PageHeader title={title} sub={sub}>
        <div class="search">
          <Icon name="search" />
          <input type="search" placeholder="Search processes" aria-label="Search processes" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </div>
        <Segmented label="View" value={view} onChange={(v) => updateSettings({ default_view: v })} options={[
          { value: 'table', label: 'Table', icon: 'table', text: false, aria: 'Table view' },
          { value: 'cards', label: 'Cards', icon: 'grid', text: false, aria: 'Card view' },
        ]} />
        <LinkButton href="#/processes/new" variant="primary" icon="plus">New process</LinkButton>
      </PageHeader>
      <div class="page-body">
        {!S.loaded ? <Spinner label="Loading processes" /> : S.order.length === 0 ? (
          <Empty icon="layers" title="No processes yet">
            <p>Start your first process: give it a name and a command, alter keeps it running.</p>
            <LinkButton href="#/processes/new" variant="primary" icon="plus">Start a new process</LinkButton>
          </Empty>
        ) : shown === 0 ? (
          <Empty icon="search" title="Nothing matches">
            <p>No process matches {query ? `“${query}”` : 'this filter'}.</p>
            <LinkButton href="#/processes">Show all processes</LinkButton>
          </Empty>
        ) : view === 'table' ? (
          <div class="table-wrap" onClick={onAct}>
            <table class="ptable">
              <thead>
                <tr>
                  <th scope="col" class="c-status">Status</th>
                  <th scope="col" class="c-name">Name</th>
                  <th scope="col" class="c-pid">PID</th>
                  <th scope="col" class="c-uptime">Uptime</th>
                  <th scope="col" class="c-restarts">Restarts</th>
                  <th scope="col" class="c-cpu">CPU</th>
                  <th scope="col" class="c-mem">Memory</th>
                  <th scope="col" class="c-actions"><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              {groups.map(([name, items]) => (
                <tbody key={name} class={collapsed.has(name) ? 'collapsed' : ''}>
                  <GroupHeader ns={name} items={items} collapsed={collapsed.has(name)} toggle={() => toggle(name)} cols={8} />
                  {!collapsed.has(name) && items.map((p) => <Row key={p.name} p={p} />)}
                </tbody>
              ))}
            </table>
          </div>
        ) : (
          groups.map(([name, items]) => (
            <section key={name} class="card-group" aria-label={`Namespace ${name}`} onClick={onAct}>
              <GroupHeader ns={name} items={items} collapsed={collapsed.has(name)} toggle={() => toggle(name)} />
              {!collapsed.has(name) && <div class="cards">{items.map((p) => <CardWithHist key={p.name} p={p} />)}</div>}
            </section>
          ))
        )}
        {menu && S.procs.get(menu.name) && (
          <FloatingMenu anchor={menu.anchor} label={`More actions for ${menu.name}`} items={rowMenuItems(S.procs.get(menu.name))} onClose={() => setMenu(null)} />
        )}
      </div>
    </>
  );
}
