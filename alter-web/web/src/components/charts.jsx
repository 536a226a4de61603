// SPDX-License-Identifier: MIT
// Hand-written SVG charts: a time series (line + area, hover read-out), a sparkline and
// stacked bars. Sized in real pixels (ResizeObserver) so text never stretches.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { fmtTime } from '../util.js';

function useWidth(ref, fallback = 480) {
  const [w, setW] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    setW(el.clientWidth || fallback);
    const ro = new ResizeObserver(() => setW(el.clientWidth || fallback));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return w;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const e = Math.pow(10, Math.floor(Math.log10(v)));
  const f = v / e;
  const n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return n * e;
}

function Tip({ x, w, children }) {
  const ref = useRef();
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const tw = el.offsetWidth;
    el.style.left = Math.max(0, Math.min(w - tw, x - tw / 2)) + 'px';
  });
  return <div ref={ref} class="chart-tip">{children}</div>;
}

// A round tick step (1, 2 or 5 × 10^k; in 1024-based units when binary) giving about 4 steps up to v.
function tickStep(v, binary) {
  if (!(v > 0)) return binary ? 262144 : 0.25;
  let unit = 1;
  if (binary) while (v / 4 / unit >= 512) unit *= 1024;
  const raw = v / 4 / unit;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const e = raw / p;
  return (e >= 7.07 ? 10 : e >= 3.16 ? 5 : e >= 1.41 ? 2 : 1) * p * unit;
}
function scale(m, binary) {
  const step = tickStep(m, binary);
  const top = m > 0 ? Math.max(step, Math.ceil(m / step - 1e-9) * step) : step * 4;
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { top, ticks };
}

export function TimeChart({ t, series, format = String, tickFormat, height = 160, min = 0, max, label, binary = false, empty = 'Collecting samples…' }) {
  const ref = useRef();
  const w = useWidth(ref);
  const [hover, setHover] = useState(-1);
  const n = t.length;
  const padL = 52, padR = 12, padT = 10, padB = 22;
  const iw = Math.max(10, w - padL - padR), ih = height - padT - padB;
  let m = 0;
  for (const s of series) for (const v of s.values) if (v > m) m = v;
  const sc = scale(max ?? m * 1.05, binary);
  const top = max ?? sc.top;
  const t0 = n ? t[0] : 0, t1 = n ? t[n - 1] : 1;
  const span = Math.max(1, t1 - t0);
  const X = (i) => padL + (n <= 1 ? iw : ((t[i] - t0) / span) * iw);
  const Y = (v) => padT + ih - ((Math.min(v, top) - min) / (top - min || 1)) * ih;
  const ticks = sc.ticks;
  const onMove = (e) => {
    if (n < 1) return;
    const r = ref.current.getBoundingClientRect();
    const x = e.clientX - r.left;
    let best = 0, bd = Infinity;
    for (let i = 0; i < n; i++) { const d = Math.abs(X(i) - x); if (d < bd) { bd = d; best = i; } }
    setHover(best);
  };
  return (
    <div class="chart" ref={ref} onPointerMove={onMove} onPointerLeave={() => setHover(-1)} role="img" aria-label={label}>
      <svg width={w} height={height} class="chart-svg">
        {ticks.map((v, i) => (
          <g key={i}>
            <line x1={padL} x2={w - padR} y1={Y(v)} y2={Y(v)} class={i === 0 ? 'axis' : 'grid'} />
            <text x={padL - 8} y={Y(v) + 4} class="tick" text-anchor="end">{(tickFormat || format)(v)}</text>
          </g>
        ))}
        {n > 1 && [0, Math.floor((n - 1) / 2), n - 1].map((i, k) => (
          <text key={k} x={X(i)} y={height - 6} class="tick" text-anchor={k === 0 ? 'start' : k === 2 ? 'end' : 'middle'}>{fmtTime(t[i])}</text>
        ))}
        {n > 0 && series.map((s, si) => {
          const pts = s.values.map((v, i) => `${X(i).toFixed(1)},${Y(v).toFixed(1)}`);
          const line = 'M' + pts.join('L');
          const area = `${line}L${X(n - 1).toFixed(1)},${Y(min)}L${X(0).toFixed(1)},${Y(min)}Z`;
          return (
            <g key={si} class={`series c${s.color ?? si}`}>
              {n > 1 && <path d={area} class="area" />}
              <path d={n > 1 ? line : `M${padL},${Y(s.values[0])}L${X(0)},${Y(s.values[0])}`} class="line" />
            </g>
          );
        })}
        {hover >= 0 && hover < n && (
          <g>
            <line x1={X(hover)} x2={X(hover)} y1={padT} y2={padT + ih} class="cursor" />
            {series.map((s, si) => <circle key={si} cx={X(hover)} cy={Y(s.values[hover])} r="3.5" class={`pt c${s.color ?? si}`} />)}
          </g>
        )}
      </svg>
      {n === 0 && <div class="chart-empty">{empty}</div>}
      {hover >= 0 && hover < n && (
        <Tip x={X(hover)} w={w}>
          <strong>{fmtTime(t[hover])}</strong>
          {series.map((s, si) => <span key={si} class={`tip-row c${s.color ?? si}`}><i />{s.label}: {format(s.values[hover])}</span>)}
        </Tip>
      )}
    </div>
  );
}

export function Sparkline({ values, max, width = 96, height = 26, color = 0, label }) {
  const n = values.length;
  if (n < 2) return <svg class="spark" width={width} height={height} aria-hidden="true" />;
  const top = max ?? niceMax(Math.max(...values) * 1.1);
  const X = (i) => (i / (n - 1)) * (width - 2) + 1;
  const Y = (v) => height - 2 - (Math.min(v, top) / (top || 1)) * (height - 4);
  const line = 'M' + values.map((v, i) => `${X(i).toFixed(1)},${Y(v).toFixed(1)}`).join('L');
  return (
    <svg class={`spark c${color}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none"
      role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : 'true'}>
      <path d={`${line}L${X(n - 1)},${height}L${X(0)},${height}Z`} class="area" />
      <path d={line} class="line" vector-effect="non-scaling-stroke" />
    </svg>
  );
}

// buckets: [{t, label, values: number[] (one per key)}]; keys: [{label, color}]
export function StackedBars({ buckets, keys, height = 240, format = String, label }) {
  const ref = useRef();
  const w = useWidth(ref, 800);
  const [hover, setHover] = useState(-1);
  const padL = 52, padR = 8, padT = 10, padB = 24;
  const iw = Math.max(10, w - padL - padR), ih = height - padT - padB;
  const totals = buckets.map((b) => b.values.reduce((a, v) => a + v, 0));
  const { top, ticks } = scale(Math.max(4, ...totals));
  const bw = iw / Math.max(1, buckets.length);
  const gap = Math.min(4, bw * 0.2);
  const Y = (v) => padT + ih - (v / top) * ih;
  const every = Math.ceil(buckets.length / Math.max(1, Math.floor(iw / 64)));
  useEffect(() => setHover(-1), [buckets]);
  return (
    <div class="chart" ref={ref} onPointerLeave={() => setHover(-1)} role="img" aria-label={label}>
      <svg width={w} height={height} class="chart-svg">
        {ticks.map((v, i) => (
          <g key={i}>
            <line x1={padL} x2={w - padR} y1={Y(v)} y2={Y(v)} class={i === 0 ? 'axis' : 'grid'} />
            <text x={padL - 8} y={Y(v) + 4} class="tick" text-anchor="end">{format(v)}</text>
          </g>
        ))}
        {buckets.map((b, i) => {
          let acc = 0;
          const x = padL + i * bw + gap / 2;
          return (
            <g key={i} onPointerEnter={() => setHover(i)} class={hover === i ? 'hovered' : ''}>
              <rect x={x - gap / 2} y={padT} width={bw} height={ih} class="hit" />
              {b.values.map((v, k) => {
                if (!v) return null;
                const y0 = Y(acc), y1 = Y(acc + v);
                acc += v;
                return <rect key={k} x={x} y={y1} width={Math.max(1, bw - gap)} height={Math.max(0.5, y0 - y1)} class={`bar-seg c${keys[k].color ?? k}`} />;
              })}
              {i % every === 0 && <text x={x + (bw - gap) / 2} y={height - 7} class="tick" text-anchor="middle">{b.label}</text>}
            </g>
          );
        })}
      </svg>
      {hover >= 0 && buckets[hover] && (
        <Tip x={padL + hover * bw + bw / 2} w={w}>
          <strong>{buckets[hover].title || buckets[hover].label} · {format(totals[hover])}</strong>
          {keys.map((k, i) => ({ k, v: buckets[hover].values[i], i })).filter((r) => r.v).sort((a, b) => b.v - a.v).slice(0, 8)
            .map((r) => <span key={r.i} class={`tip-row c${r.k.color ?? r.i}`}><i />{r.k.label}: {format(r.v)}</span>)}
        </Tip>
      )}
    </div>
  );
}
