// SPDX-License-Identifier: MIT
// A real alterd (temp --home) that starts alter-web on an ephemeral port (--web-port 0; the URL
// is read from <home>/web.json), and Debian's chromium driven by playwright-core (launch flags
// from shared/TOOLCHAIN.md). Shared by the browser tests and bench/dashboard.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../../..');
const require = createRequire(join(here, '..', 'package.json'));

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const PASSWORD = 'correct horse battery staple';

// Cheap argon2 and a short rate-limit window keep the run fast (the defaults are for people).
const TEST_ENV = { ALTER_WEB_ARGON2_MEMORY_KIB: '64', ALTER_WEB_ARGON2_ITERATIONS: '1', ALTER_WEB_RATE_WINDOW_MS: '3000' };

export function missingPrerequisites() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install chromium)`);
  try { require.resolve('playwright-core'); } catch { missing.push('tests/browser/node_modules (npm ci in tests/browser)'); }
  if (!process.env.ALTERD_BIN || !existsSync(process.env.ALTERD_BIN)) missing.push('ALTERD_BIN (run through meson test)');
  return missing;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(fn, { timeout = 10000, interval = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    await sleep(interval);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ''}`);
}

export async function startDaemon({ extraArgs = [] } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'alter-browser-'));
  const env = { ...process.env, ...TEST_ENV };
  delete env.ALTER_HOME;
  if (process.env.ALTER_WEB_BIN) env.ALTER_WEB_BIN = process.env.ALTER_WEB_BIN;
  const proc = spawn(process.env.ALTERD_BIN, ['--foreground', '--home', home, '--web-port', '0', ...extraArgs],
    { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const info = await waitFor(async () => {
    if (proc.exitCode != null) throw new Error(`alterd exited (${proc.exitCode}): ${stderr}`);
    const f = join(home, 'web.json');
    if (!existsSync(f)) return null;
    const i = JSON.parse(readFileSync(f, 'utf8'));
    const r = await fetch(new URL('/api/v1/auth/status', i.url));
    return r.ok ? i : null;
  }, { timeout: 20000, what: 'alter-web to start (web.json)' });
  let url = info.url;
  let dev = null;
  if (process.env.DASHBOARD_DEV_PROXY) {
    // Development only: serve alter-web/web from source in front of the running alter-web.
    const port = 20000 + Math.floor(Math.random() * 20000);
    dev = spawn(process.execPath, [join(root, 'alter-web/web/dev.mjs'), String(port)], { env: { ...process.env, ALTER_WEB_URL: info.url }, stdio: 'ignore' });
    url = `http://127.0.0.1:${port}/`;
    await waitFor(async () => (await fetch(url).catch(() => null))?.ok, { what: 'dev server' });
  }
  const token = () => JSON.parse(readFileSync(join(home, 'auth.json'), 'utf8')).master_token;
  // The REST API with the master token (for setting up fixtures, not for what the UI does).
  const api = async (method, path, body) => {
    const r = await fetch(new URL('/api/v1' + path, info.url), {
      method,
      headers: { Authorization: `Bearer ${token()}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let data = null;
    try { data = JSON.parse(text); } catch { data = text; }
    return { status: r.status, data };
  };
  const stop = async () => {
    if (dev) dev.kill();
    if (proc.exitCode == null) {
      proc.kill('SIGTERM');
      await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(15000)]);
      if (proc.exitCode == null) proc.kill('SIGKILL');
    }
    rmSync(home, { recursive: true, force: true });
  };
  return { home, url, info, proc, api, token, stop };
}

export async function launchBrowser() {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

export function artifactsDir(sub = '') {
  const d = join(root, 'tests/browser/artifacts', sub);
  mkdirSync(d, { recursive: true });
  return d;
}
