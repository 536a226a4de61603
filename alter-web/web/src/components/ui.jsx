// SPDX-License-Identifier: MIT
// Small building blocks: buttons, status pills, switches, fields, dialogs and toasts.
import { Component } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { emit, now, S, useTopic } from '../store.js';
import { fmtDuration } from '../util.js';
import { Icon } from './icons.jsx';

export function Button({ variant = 'default', icon, children, class: cls, size, type = 'button', busy, ...rest }) {
  return (
    <button type={type} class={`btn btn-${variant}${size ? ' btn-' + size : ''}${cls ? ' ' + cls : ''}`} aria-busy={busy ? 'true' : undefined} {...rest}>
      {busy ? <span class="spinner" aria-hidden="true" /> : icon && <Icon name={icon} size={size === 'sm' ? 14 : 16} />}
      {children && <span>{children}</span>}
    </button>
  );
}

export function IconButton({ icon, label, class: cls, variant = 'ghost', ...rest }) {
  return (
    <button type="button" class={`btn btn-icon btn-${variant}${cls ? ' ' + cls : ''}`} aria-label={label} title={label} {...rest}>
      <Icon name={icon} size={16} />
    </button>
  );
}

export function LinkButton({ href, icon, children, variant = 'default', size, class: cls, ...rest }) {
  return (
    <a href={href} class={`btn btn-${variant}${size ? ' btn-' + size : ''}${cls ? ' ' + cls : ''}`} {...rest}>
      {icon && <Icon name={icon} size={size === 'sm' ? 14 : 16} />}
      {children && <span>{children}</span>}
    </a>
  );
}

export function StatusPill({ status, enabled = true, title }) {
  const s = enabled === false && status !== 'running' ? 'disabled' : status;
  return <span class={`pill s-${s}`} title={title}>{s}</span>;
}

export function Switch({ checked, onChange, label, disabled, id }) {
  return (
    <button type="button" role="switch" id={id} aria-checked={checked ? 'true' : 'false'} aria-label={label}
      class="switch" disabled={disabled} onClick={() => onChange(!checked)}>
      <span class="switch-knob" aria-hidden="true" />
    </button>
  );
}

export function Field({ label, id, error, hint, children, class: cls, wide }) {
  return (
    <div class={`field${error ? ' has-error' : ''}${wide ? ' wide' : ''}${cls ? ' ' + cls : ''}`}>
      {label && <label for={id}>{label}</label>}
      {children}
      {error ? <p class="field-error" id={id && id + '-err'} role="alert">{error}</p> : hint && <p class="field-hint" id={id && id + '-hint'}>{hint}</p>}
    </div>
  );
}

export function Empty({ icon = 'info', title, children }) {
  return (
    <div class="empty">
      <div class="empty-icon"><Icon name={icon} size={22} /></div>
      <h3>{title}</h3>
      {children}
    </div>
  );
}

export function Spinner({ label = 'Loading' }) {
  return <div class="loading" role="status"><span class="spinner" aria-hidden="true" /><span>{label}…</span></div>;
}

export function Bar({ value, max = 100, kind }) {
  const pct = Math.max(0, Math.min(100, max ? (value / max) * 100 : 0));
  const ref = useRef();
  // Before the paint (a layout effect): a burst of new rows is painted once, not twice.
  useLayoutEffect(() => { if (ref.current) ref.current.style.width = pct.toFixed(1) + '%'; }, [pct]);
  return <span class={`bar${kind ? ' bar-' + kind : ''}${pct > 85 ? ' bar-hot' : ''}`} aria-hidden="true"><span ref={ref} /></span>;
}

// Uptime text that ticks once a second without re-rendering the row.
const tickers = new Set();
let tickTimer = 0;
function tickAll() { for (const f of tickers) f(); }
export function Uptime({ since }) {
  const ref = useRef();
  useLayoutEffect(() => {
    const f = () => { if (ref.current) ref.current.textContent = since ? fmtDuration(now() - since) : '–'; };
    f();
    tickers.add(f);
    if (!tickTimer) tickTimer = setInterval(tickAll, 1000);
    return () => {
      tickers.delete(f);
      if (!tickers.size) { clearInterval(tickTimer); tickTimer = 0; }
    };
  }, [since]);
  return <span ref={ref} class="num" />;
}

// ---- dialogs: confirm() answers a promise; one native <dialog> at a time (Escape cancels)
const dialogs = [];
export function confirm({ title, body, confirmLabel = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    dialogs.push({ title, body, confirmLabel, danger, resolve });
    emit('dialogs');
  });
}

export function DialogHost() {
  useTopic('dialogs');
  const d = dialogs[0];
  if (!d) return null;
  const done = (v) => {
    dialogs.shift();
    d.resolve(v);
    emit('dialogs');
  };
  return <ConfirmDialog key={dialogs.length + d.title} d={d} done={done} />;
}

function ConfirmDialog({ d, done }) {
  const ref = useRef();
  useEffect(() => {
    const el = ref.current;
    const prev = document.activeElement;
    el.showModal();
    el.querySelector(d.danger ? '.btn-default' : '.btn-primary')?.focus();
    return () => { if (prev && prev.focus) prev.focus(); };
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dlg-title" onCancel={(e) => { e.preventDefault(); done(false); }}>
      <form method="dialog" onSubmit={(e) => { e.preventDefault(); done(true); }}>
        <h2 id="dlg-title">{d.title}</h2>
        {d.body && <div class="dialog-body">{d.body}</div>}
        <div class="dialog-actions">
          <Button onClick={() => done(false)}>Cancel</Button>
          <Button type="submit" variant={d.danger ? 'danger' : 'primary'}>{d.confirmLabel}</Button>
        </div>
      </form>
    </dialog>
  );
}

// ---- toasts
let toastId = 0;
const toasts = [];
export function toast(text, kind = 'info', ms = 4500) {
  const t = { id: ++toastId, text, kind };
  toasts.push(t);
  emit('toasts');
  setTimeout(() => {
    const i = toasts.indexOf(t);
    if (i >= 0) { toasts.splice(i, 1); emit('toasts'); }
  }, ms);
}

export function ToastHost() {
  useTopic('toasts');
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          <Icon name={t.kind === 'error' ? 'alert' : t.kind === 'ok' ? 'check' : 'info'} />
          <span>{t.text}</span>
        </div>
      ))}
    </div>
  );
}

// Run an API action, reporting failure as a toast; answers the data or undefined.
export async function act(fn, okText) {
  try {
    const r = await fn();
    if (okText) toast(okText, 'ok');
    return r ?? true;
  } catch (e) {
    toast(e.message || String(e), 'error');
    return undefined;
  }
}

// A segmented control (radio group).
export function Segmented({ value, options, onChange, label }) {
  return (
    <div class="segmented" role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <button type="button" role="radio" aria-checked={value === o.value ? 'true' : 'false'} key={o.value}
          class={value === o.value ? 'on' : ''} onClick={() => onChange(o.value)} title={o.title || o.label} aria-label={o.aria || o.label}>
          {o.icon && <Icon name={o.icon} />}{o.text !== false && o.label && <span>{o.label}</span>}
        </button>
      ))}
    </div>
  );
}

export function useAsync(fn, deps) {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fn().then((data) => live && setState({ data, loading: false }), (error) => live && setState({ error, loading: false }));
    return () => { live = false; };
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}

// A menu (fixed-position list under its anchor): arrow keys move, Escape or a click outside
// closes it and gives the focus back to the anchor.
export function FloatingMenu({ anchor, items, label, onClose }) {
  const ref = useRef();
  useLayoutEffect(() => {
    const el = ref.current;
    const r = anchor.getBoundingClientRect();
    const h = el.offsetHeight, w = el.offsetWidth;
    let top = r.bottom + 4;
    if (top + h > innerHeight - 8) top = Math.max(8, r.top - h - 4);
    el.style.top = `${top}px`;
    el.style.left = `${Math.max(8, Math.min(innerWidth - w - 8, r.right - w))}px`;
  }, [anchor]);
  useEffect(() => {
    const list = () => [...ref.current.querySelectorAll('[role=menuitem]:not([disabled])')];
    list()[0]?.focus();
    const close = (refocus) => { onClose(); if (refocus) anchor.focus(); };
    const k = (e) => {
      if (e.key === 'Escape' || e.key === 'Tab') { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); } close(e.key === 'Escape'); return; }
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      e.preventDefault();
      const l = list();
      const i = l.indexOf(document.activeElement);
      l[(i + (e.key === 'ArrowDown' ? 1 : l.length - 1)) % l.length]?.focus();
    };
    const c = (e) => { if (!ref.current?.contains(e.target) && !anchor.contains(e.target)) close(false); };
    const scroll = (e) => { if (!ref.current?.contains(e.target)) close(false); };
    addEventListener('keydown', k, true);
    addEventListener('pointerdown', c);
    addEventListener('scroll', scroll, true);
    return () => { removeEventListener('keydown', k, true); removeEventListener('pointerdown', c); removeEventListener('scroll', scroll, true); };
  }, [anchor]);
  const pick = (it) => { onClose(); if (it.onClick) it.onClick(); };
  return (
    <div class="menu-list floating" role="menu" ref={ref} aria-label={label}>
      {items.filter(Boolean).map((it, i) => (it.href
        ? <a key={i} role="menuitem" href={it.href} download={it.download} class={it.danger ? 'danger' : ''} onClick={() => onClose()}>{it.icon && <Icon name={it.icon} size={14} />}{it.label}</a>
        : <button key={i} type="button" role="menuitem" disabled={it.disabled} class={it.danger ? 'danger' : ''} onClick={() => pick(it)}>{it.icon && <Icon name={it.icon} size={14} />}{it.label}</button>))}
    </div>
  );
}

// A menu button.
export function Menu({ label, icon = 'more', text, items, size = 'sm', class: cls }) {
  const [open, setOpen] = useState(false);
  const btn = useRef();
  return (
    <div class={`menu-wrap${cls ? ' ' + cls : ''}`}>
      <button type="button" ref={btn} class={`btn btn-${text ? 'default' : 'ghost'}${text ? '' : ' btn-icon'} btn-${size}`} aria-haspopup="menu" aria-expanded={open ? 'true' : 'false'}
        aria-label={label} title={label} onClick={() => setOpen(!open)}>
        <Icon name={icon} size={text ? 14 : 16} />{text && <span>{text}</span>}
      </button>
      {open && <FloatingMenu anchor={btn.current} items={items} label={label} onClose={() => setOpen(false)} />}
    </div>
  );
}

// A component that re-renders only when a prop changed (shallow compare).
export function memo(render) {
  class Memo extends Component {
    shouldComponentUpdate(next) {
      for (const k in next) if (next[k] !== this.props[k]) return true;
      for (const k in this.props) if (!(k in next)) return true;
      return false;
    }

    render(props) { return render(props); }
  }
  return Memo;
}

export const isNarrow = () => matchMedia('(max-width: 760px)').matches;
export { S };
