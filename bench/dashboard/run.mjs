// SPDX-License-Identifier: MIT
// Dashboard benchmark: alterd + alter-web with N apps (sleep processes), Debian's headless
// chromium through playwright-core (from tests/browser/node_modules). Measures
//   - bytes of the first load, compressed as transferred (CDP Network.loadingFinished),
//     split into the assets (document, JS, CSS) and the API calls;
//   - the time to render the N-row list: performance marks the app sets
//     (alter:procs-loaded → alter:list-rendered: the DOM is built; → alter:list-painted: the
//     next frame), over several fresh loads;
//   - frame times and long tasks while all N change state (stop all, then start all), and
//     how long until every row shows the new state;
//   - the same while nothing changes but the stream's stats events update every row (2 s);
//   - the targets: first load <= 150 KB compressed, list render <= 100 ms, smooth
//     (p95 frame <= 50 ms) while the apps change state.
// Prints one JSON object and writes it to bench/results/dashboard.json (--out FILE). See README.md.
//   ALTERD_BIN=build/alterd/alterd ALTER_WEB_BIN=build/alter-web/alter-web node bench/dashboard/run.mjs [--apps 100] [--loads 5]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { launchBrowser, missingPrerequisites, PASSWORD, root, sleep, startDaemon, waitFor } from '../../tests/browser/lib/harness.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('--apps', 100);
const LOADS = arg('--loads', 5);
const outIdx = process.argv.indexOf('--out');
const OUT = resolve(outIdx >= 0 ? process.argv[outIdx + 1] : join(root, 'bench/results/dashboard.json'));
for (const [k, p] of [['ALTERD_BIN', 'build/alterd/alterd'], ['ALTER_WEB_BIN', 'build/alter-web/alter-web']]) {
  if (!process.env[k] && existsSync(join(root, p))) process.env[k] = join(root, p);
}
const missing = missingPrerequisites();
if (missing.length) {
  console.error(`bench/dashboard: missing ${missing.join(', ')}`);
  process.exit(2);
}

const q = (xs, p) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
};
const median = (xs) => q(xs, 0.5);

const d = await startDaemon();
const browser = await launchBrowser();
let chromiumVersion = '';
try { chromiumVersion = browser.version(); } catch { /* older playwright */ }
const out = {
  date: new Date().toISOString(),
  apps: N,
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model || '', loadavg_start: loadavg().map((x) => +x.toFixed(2)), node: process.version, chromium: chromiumVersion },
};
try { out.commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
try {
  // Password and a session cookie for the browser.
  const origin = new URL(d.url).origin;
  const r = await fetch(new URL('/api/v1/auth/setup', d.url), {
    method: 'POST', headers: { 'Content-Type': 'application/json', Origin: origin }, body: JSON.stringify({ password: PASSWORD }),
  });
  if (r.status !== 201) throw new Error(`setup: ${r.status}`);
  const cookie = /alter_session=([0-9a-f]+)/.exec(r.headers.get('set-cookie'))[1];

  for (let i = 0; i < N; i++) {
    const a = await d.api('POST', '/processes', { name: `app-${String(i).padStart(3, '0')}`, namespace: `ns-${i % 5}`, command: '/bin/sleep', args: ['3600'] });
    if (a.status !== 201) throw new Error(`add: ${a.status} ${JSON.stringify(a.data)}`);
  }
  await waitFor(async () => (await d.api('GET', '/processes')).data.processes.every((p) => p.status === 'running'), { timeout: 30000, what: 'all apps running' });

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await ctx.addCookies([{ name: 'alter_session', value: cookie, url: d.url }]);

  // ---- first load: bytes on the wire, and the first render
  const loads = [];
  let bytes = null;
  for (let n = 0; n < LOADS; n++) {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const reqs = new Map();
    cdp.on('Network.responseReceived', (e) => reqs.set(e.requestId, { url: e.response.url, type: e.type, enc: e.response.headers['content-encoding'] || e.response.headers['Content-Encoding'] || '', size: 0 }));
    cdp.on('Network.loadingFinished', (e) => { const x = reqs.get(e.requestId); if (x) x.size = e.encodedDataLength; });
    await page.goto(d.url + '#/processes');
    await page.waitForFunction(() => performance.getEntriesByName('alter:list-paint').length > 0, null, { timeout: 20000 });
    const m = await page.evaluate(() => {
      const get = (n) => performance.getEntriesByName(n)[0];
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        render_ms: get('alter:list-render').duration,
        paint_ms: get('alter:list-paint').duration,
        script_start_to_paint_ms: get('alter:list-painted').startTime - get('alter:start').startTime,
        navigation_to_paint_ms: get('alter:list-painted').startTime,
        dom_content_loaded_ms: nav.domContentLoadedEventEnd,
        rows: document.querySelectorAll('tr.prow').length,
      };
    });
    if (m.rows !== N) throw new Error(`rendered ${m.rows} rows, expected ${N}`);
    loads.push(m);
    if (n === 0) {
      await sleep(300);
      const list = [...reqs.values()].filter((x) => x.size > 0);
      const assets = list.filter((x) => ['Document', 'Script', 'Stylesheet', 'Image', 'Font'].includes(x.type));
      const apiReqs = list.filter((x) => !assets.includes(x));
      bytes = {
        assets_transferred: assets.reduce((a, x) => a + x.size, 0),
        api_transferred: apiReqs.reduce((a, x) => a + x.size, 0),
        total_transferred: list.reduce((a, x) => a + x.size, 0),
        budget: 150 * 1024,
        files: assets.map((x) => ({ path: new URL(x.url).pathname, type: x.type, encoding: x.enc || 'identity', bytes: x.size })),
        api: apiReqs.map((x) => { const u = new URL(x.url); return { path: u.pathname + u.search, encoding: x.enc || 'identity', bytes: x.size }; }),
      };
    }
    await page.close();
  }
  out.first_load_bytes = bytes;
  out.list_render = {
    loads: LOADS,
    render_ms_median: median(loads.map((l) => l.render_ms)),
    render_ms_max: Math.max(...loads.map((l) => l.render_ms)),
    paint_ms_median: median(loads.map((l) => l.paint_ms)),
    script_start_to_paint_ms_median: median(loads.map((l) => l.script_start_to_paint_ms)),
    navigation_to_paint_ms_median: median(loads.map((l) => l.navigation_to_paint_ms)),
    budget_ms: 100,
  };

  // ---- all N change state: frames and long tasks
  const page = await ctx.newPage();
  await page.goto(d.url + '#/processes');
  await page.waitForFunction((n) => document.querySelectorAll('tr.prow .pill.s-running').length === n, N, { timeout: 20000 });
  await page.locator('.conn-live').waitFor({ timeout: 20000 });
  await sleep(500);
  // rAF frame times and long tasks from now until stop() (in the page).
  const record = () => page.evaluate(() => {
    window.__frames = [];
    window.__long = [];
    let last = performance.now();
    window.__run = true;
    // One loop per recording: an earlier loop's pending frame must not carry on into this one.
    const gen = (window.__gen = (window.__gen || 0) + 1);
    const tick = (t) => {
      if (window.__gen !== gen || !window.__run) return;
      window.__frames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    window.__obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); });
    window.__obs.observe({ type: 'longtask' });
  });
  const stop = async () => {
    const r = await page.evaluate(() => { window.__run = false; window.__obs.disconnect(); return { frames: window.__frames.slice(1), long: window.__long }; });
    return {
      frames: r.frames.length,
      frame_ms_p50: q(r.frames, 0.5),
      frame_ms_p95: q(r.frames, 0.95),
      frame_ms_max: q(r.frames, 1),
      frames_over_50ms: r.frames.filter((f) => f > 50).length,
      long_tasks: r.long.length,
      long_task_ms_total: +r.long.reduce((x, y) => x + y, 0).toFixed(1),
      long_task_ms_max: r.long.length ? +Math.max(...r.long).toFixed(1) : 0,
    };
  };
  const phase = async (action, want) => {
    await record();
    const t0 = Date.now();
    const a = await d.api('POST', `/processes/all/${action}`);
    if (a.status !== 200) throw new Error(`${action}: ${a.status}`);
    await page.waitForFunction(([n, cls]) => document.querySelectorAll(`tr.prow .pill.s-${cls}`).length === n, [N, want], { timeout: 30000, polling: 'raf' });
    const settle = Date.now() - t0;
    await sleep(500);
    return { all_rows_updated_ms: settle, ...(await stop()) };
  };
  out.stop_all = await phase('stop', 'stopped');
  out.start_all = await phase('start', 'running');

  // ---- nothing changes state, but the stream's stats events update every row every 2 s
  await record();
  await sleep(6500);
  out.live_stats = { seconds: 6.5, ...(await stop()) };
  await page.close();

  const kb = (b) => +(b / 1024).toFixed(1);
  const p95 = Math.max(out.stop_all.frame_ms_p95, out.start_all.frame_ms_p95);
  out.targets = {
    first_load_assets_kb: { value: kb(out.first_load_bytes.assets_transferred), budget: 150, ok: out.first_load_bytes.assets_transferred <= 150 * 1024 },
    list_render_ms_median: { value: out.list_render.render_ms_median, budget: 100, ok: out.list_render.render_ms_median <= 100 },
    // Smooth: 95 % of the frames within 3 vsyncs at 60 Hz (frame times come in steps of 16.7 ms).
    state_change_frame_ms_p95: { value: p95, budget: 50.1, ok: p95 <= 50.1 },
  };
  out.machine.loadavg_end = loadavg().map((x) => +x.toFixed(2));
} finally {
  await browser.close();
  await d.stop();
}
const text = JSON.stringify(out, null, 2);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, text + '\n');
console.log(text);
console.error(`bench/dashboard: wrote ${OUT}`);
