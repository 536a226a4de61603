// SPDX-License-Identifier: MIT
// The dashboard end to end: a real alterd + alter-web, Debian's headless chromium.
// One daemon and one browser for the whole file; the steps build on each other.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { artifactsDir, launchBrowser, PASSWORD, sleep, startDaemon, waitFor } from './lib/harness.mjs';

const SHOTS = artifactsDir();
const APP = 'ticker';
// Prints its environment variable GREETING with a counter, three times a second.
const TICKER_ARGS = `-c 'i=0; while :; do i=$((i+1)); echo "tick $i $GREETING"; sleep 0.3; done'`;

let d, browser, ctx, page;
const problems = []; // console errors, CSP violations, uncaught exceptions
let allow500 = false; // a test that makes the API fail on purpose

async function shot(name, opts = {}) {
  await page.waitForTimeout(opts.settle ?? 350); // let transitions finish
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

async function go(hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

const pill = (name) => page.locator(`tr.prow[data-name="${name}"] .pill`);

describe('dashboard', { timeout: 240000 }, () => {
  before(async () => {
    d = await startDaemon();
    browser = await launchBrowser();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
    page = await ctx.newPage();
    page.setDefaultTimeout(10000);
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const t = m.text();
      // Expected answers the UI handles (wrong PIN, validation errors, 401 before login).
      if (/status of (401|409|422|423)/.test(t)) return;
      if (allow500 && /status of 500/.test(t)) return;
      problems.push(t);
    });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    // Which request broke, for the log (the console message above does not name it).
    page.on('requestfailed', (r) => {
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') console.error('request failed:', r.url(), r.failure()?.errorText);
    });
  });

  after(async () => {
    if (browser) await browser.close();
    if (d) await d.stop();
  });

  it('first run: sets the password (strength meter) and lands on the empty list', async () => {
    await page.goto(d.url);
    await page.locator('#setup-pw').waitFor();
    await page.fill('#setup-pw', 'abc');
    await page.locator('.strength-label', { hasText: /weak/i }).waitFor();
    // Long enough but very weak: refused (by the form, and by alter-web).
    await page.fill('#setup-pw', 'password1');
    await page.locator('.strength-no', { hasText: 'not accepted' }).waitFor();
    await page.fill('#setup-pw2', 'password1');
    await page.press('#setup-pw2', 'Enter');
    await page.locator('#setup-pw-err', { hasText: /too easy to guess/i }).waitFor();
    await page.fill('#setup-pw', PASSWORD);
    await page.locator('.strength-label', { hasText: /strong/i }).waitFor();
    await shot('setup');
    await page.fill('#setup-pw2', PASSWORD);
    await page.press('#setup-pw2', 'Enter');
    await page.getByRole('heading', { name: 'No processes yet' }).waitFor();
    await page.locator('.conn-live').waitFor({ timeout: 20000 });
  });

  it('starts a process from the form and shows it running', async () => {
    await page.getByRole('link', { name: 'New process' }).first().click();
    await page.fill('#f-name', APP);
    await page.fill('#f-namespace', 'demo');
    await page.fill('#f-command', '/bin/sh');
    await page.fill('#f-args', TICKER_ARGS);
    await page.fill('#f-env', 'GREETING=hello');
    await page.press('#f-name', 'Enter'); // forms submit with Enter
    await page.locator('.page-header h1', { hasText: APP }).waitFor();
    await page.locator('.page-header .pill', { hasText: 'running' }).waitFor();
    await go('#/processes');
    await pill(APP).filter({ hasText: 'running' }).waitFor();
  });

  it('shows log lines arriving live', async () => {
    await go(`#/processes/${APP}/logs`);
    const lines = page.locator('.log-body .ll');
    await lines.first().waitFor();
    const maxTick = async () => Math.max(0, ...(await lines.allTextContents()).map((t) => Number((/tick (\d+)/.exec(t) || [])[1] || 0)));
    const first = await maxTick();
    await waitFor(async () => (await maxTick()) >= first + 3, { what: 'new live log lines', timeout: 8000 });
    assert.match(await lines.last().textContent(), /tick \d+ hello/);
    await page.locator('.live-dot.st-live').waitFor();
  });

  it('stops it, and starts it again', async () => {
    await go('#/processes');
    await page.getByRole('button', { name: `Stop ${APP}`, exact: true }).click();
    await pill(APP).filter({ hasText: 'stopped' }).waitFor();
    await page.getByRole('button', { name: `Start ${APP}`, exact: true }).click();
    await pill(APP).filter({ hasText: 'running' }).waitFor();
  });

  it('edits it (env var): it restarts with the new value', async () => {
    const before = (await d.api('GET', `/processes/${APP}`)).data.instances[0];
    await go(`#/processes/${APP}/edit`);
    await page.locator('#f-env').waitFor();
    assert.equal(await page.inputValue('#f-env'), 'GREETING=hello');
    await page.fill('#f-env', 'GREETING=world');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.page-header h1', { hasText: APP }).waitFor();
    await waitFor(async () => {
      const p = (await d.api('GET', `/processes/${APP}`)).data.instances[0];
      return p.status === 'running' && p.pid !== before.pid;
    }, { what: 'the restart after the edit' });
    await go(`#/processes/${APP}/logs`);
    await page.locator('.log-body .ll', { hasText: /tick \d+ world/ }).first().waitFor();
  });

  it('shows the API validation errors at the field', async () => {
    await go('#/cron/new');
    await page.fill('#f-name', 'badcron');
    await page.fill('#f-command', '/bin/true');
    await page.fill('#f-cron', '61 * * * *');
    await page.getByRole('button', { name: 'Create cron job' }).click();
    await page.locator('#f-cron[aria-invalid="true"]').waitFor();
    assert.match(await page.locator('.field.has-error').first().textContent(), /out of range/);
    // A value only the daemon rejects: instances must be an integer.
    await page.fill('#f-cron', '*/5 * * * *');
    await page.locator('.cron-desc', { hasText: 'Every 5 minutes' }).waitFor();
    await page.fill('#f-instances', 'many');
    await page.getByRole('button', { name: 'Create cron job' }).click();
    await page.locator('#f-instances[aria-invalid="true"]').waitFor();
    assert.match(await page.locator('#f-instances-err').textContent(), /integer/);
    assert.equal((await d.api('GET', '/processes/badcron')).status, 404);
  });

  it('sets a PIN, locks, and unlocks with it', async () => {
    await go('#/settings/security');
    await page.fill('#pin-new', '1234');
    await page.fill('#pin-pw', PASSWORD);
    await page.getByRole('button', { name: 'Set PIN' }).click();
    await page.locator('.toast', { hasText: 'PIN set' }).waitFor();
    await page.getByRole('button', { name: 'Lock screen' }).click();
    await page.getByRole('heading', { name: 'Locked' }).waitFor();
    assert.equal((await page.evaluate(() => fetch('/api/v1/processes').then((r) => r.status))), 423);
    await page.fill('#unlock', '9999');
    await page.press('#unlock', 'Enter');
    await page.locator('.field-error', { hasText: /wrong PIN/i }).waitFor();
    await page.fill('#unlock', '1234');
    await shot('lock');
    await page.press('#unlock', 'Enter');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
  });

  it('logs out and logs in again', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#login-pw').waitFor();
    await page.fill('#login-pw', 'not the password');
    await page.press('#login-pw', 'Enter');
    await page.locator('.field-error', { hasText: 'Wrong password' }).waitFor();
    await shot('login');
    await page.fill('#login-pw', PASSWORD);
    await page.press('#login-pw', 'Enter');
    await page.locator('.conn-live').waitFor({ timeout: 20000 });
  });

  it('screenshots every main page', async () => {
    // Some company for the ticker: namespaces, instances, a crash loop, cron jobs, a disabled app.
    const add = (spec) => d.api('POST', '/processes', spec);
    await add({ name: 'web-server', namespace: 'servers', command: '/bin/sh', args: ['-c', 'while :; do echo "INFO GET /api/items 200"; sleep 0.5; done'], env: { PORT: '8080', API_TOKEN: 'secret' } });
    await add({ name: 'queue', namespace: 'workers', instances: 2, command: '/bin/sh', args: ['-c', 'while :; do echo "DEBUG job picked"; echo "WARN slow job" >&2; sleep 1; done'] });
    await add({ name: 'flaky', namespace: 'workers', command: '/bin/sh', args: ['-c', 'echo "ERROR cannot connect to db" >&2; sleep 0.3; exit 3'], max_restarts: 3 });
    await add({ name: 'backup', namespace: 'maintenance', command: '/bin/sh', args: ['-c', 'echo "INFO backup done"'], cron: '0 2 * * *' });
    await add({ name: 'report', namespace: 'maintenance', command: '/bin/sh', args: ['-c', 'echo report; exit 1'], cron: '*/15 * * * *' });
    await add({ name: 'legacy', command: '/bin/sleep', args: ['100'], enabled: false });
    await d.api('POST', '/processes/backup/run');
    await d.api('POST', '/processes/report/run');
    await go('#/processes');
    await pill('flaky').filter({ hasText: 'errored' }).waitFor({ timeout: 15000 });
    await pill('queue-1').filter({ hasText: 'running' }).waitFor();
    await sleep(5500); // a metrics sample or two
    await shot('list-table');
    // Notifications (crash, restart, start, stop) from the event stream.
    await page.getByRole('button', { name: /Notifications/ }).click();
    await page.locator('.notif.k-crash').first().waitFor();
    await shot('notifications');
    await page.keyboard.press('Escape');
    await page.getByRole('radio', { name: 'Card view' }).click();
    await page.locator('.pcard').first().waitFor();
    await shot('list-cards');
    await page.getByRole('radio', { name: 'Table view' }).click();
    await go('#/processes/web-server');
    await page.locator('.stat-tile').first().waitFor();
    await sleep(4500); // CPU / memory samples for the charts
    await shot('detail');
    await go('#/processes/queue/logs');
    await page.locator('.log-body .ll').first().waitFor();
    await shot('logs');
    await go('#/logs');
    await page.locator('.log-body .ll.lv-error').first().waitFor();
    await shot('log-library');
    await go('#/volume');
    await page.locator('.bar-seg').first().waitFor();
    await shot('log-volume');
    await go('#/cron');
    await page.locator('tr.prow[data-name="report"] .pill', { hasText: 'failed' }).waitFor();
    await page.getByRole('button', { name: 'History of report' }).click();
    await page.locator('.cron-history .cron-next li').first().waitFor();
    await shot('cron');
    await go('#/settings/appearance');
    await page.getByRole('radiogroup', { name: 'Accent colour' }).waitFor();
    await shot('settings');
    await go('#/processes/new');
    await page.locator('#f-name').waitFor();
    await shot('new-process');
    await page.setViewportSize({ width: 390, height: 844 });
    await go('#/processes');
    await pill('web-server').waitFor();
    await shot('list-phone');
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.locator('.sidebar.open').waitFor();
    await shot('menu-phone');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('live data comes from the event stream: GET /processes once, no polling', async () => {
    const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 720 }, storageState: await ctx.storageState() });
    const p2 = await ctx2.newPage();
    const calls = [];
    p2.on('request', (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/api/')) calls.push(`${r.method()} ${u.pathname}${u.search}`); });
    await p2.goto(d.url + '#/processes');
    await p2.locator('tr.prow[data-name="web-server"] .pill', { hasText: 'running' }).waitFor();
    // CPU from the stream's stats events, host CPU and memory from its host events.
    await p2.locator('tr.prow[data-name="web-server"] .c-cpu .num').waitFor({ timeout: 6000 });
    await p2.locator('.statusbar .stat .num').first().waitFor({ timeout: 6000 });
    await sleep(6000);
    const count = (c) => calls.filter((x) => x === c).length;
    assert.equal(count('GET /api/v1/processes'), 1, calls.join('\n'));
    assert.equal(count('GET /api/v1/events?stats=1'), 1, calls.join('\n'));
    assert.equal(calls.filter((x) => x.startsWith('GET /api/v1/system/stats')).length, 0, calls.join('\n'));
    // Through the gateway the list came gzipped.
    const r = await p2.evaluate(() => fetch('/api/v1/processes').then((x) => x.headers.get('content-encoding')));
    assert.equal(r, 'gzip');
    // A detail page after a reload: restart history and CPU/memory samples from alterd.
    await p2.evaluate(() => { location.hash = '#/processes/flaky'; });
    await p2.locator('.timeline .tl', { hasText: /^Gave up after 3 restarts/ }).waitFor();
    assert.ok(await p2.locator('.timeline .tl', { hasText: 'Crashed with exit code 3' }).count() >= 1);
    const banner = await p2.locator('.why-banner').textContent();
    assert.match(banner, /^Gave up after 3 restarts/);
    assert.doesNotMatch(banner, /gave up: gave up/i);
    await p2.evaluate(() => { location.hash = '#/processes/web-server'; });
    const points = () => p2.evaluate(() => (document.querySelector('.chart .series .line')?.getAttribute('d') || '').split('L').length);
    await waitFor(async () => (await points()) >= 5, { timeout: 1500, what: 'samples from GET …/history right after loading' });
    await ctx2.close();
  });

  it('shows why a process errored, in the list and on its page', async () => {
    await d.api('POST', '/processes', { name: 'nodir', namespace: 'workers', command: '/bin/true', cwd: '/nonexistent' });
    await go('#/processes');
    const why = page.locator('tr.prow[data-name="nodir"] .pwhy');
    await why.waitFor();
    assert.match(await why.textContent(), /cannot change to directory '\/nonexistent'/);
    assert.match(await page.locator('tr.prow[data-name="nodir"] .pill').getAttribute('title'), /nonexistent/);
    await go('#/processes/nodir');
    await page.locator('.why-banner', { hasText: /Could not start: cannot change to directory/ }).waitFor();
    await shot('detail-errored');
  });

  it('the Active filter shows what its count says', async () => {
    await go('#/processes?active=1');
    await page.locator('.page-header h1', { hasText: 'Active processes' }).waitFor();
    await sleep(300);
    const count = Number(await page.locator('.nav-filters a[href="#/processes?active=1"] .nav-count').textContent());
    assert.equal(await page.locator('tr.prow').count(), count);
    assert.ok(count > 0);
  });

  it('namespace stop asks first (and Escape keeps them running)', async () => {
    await go('#/processes');
    await page.getByRole('button', { name: 'Stop namespace servers' }).click();
    await page.locator('dialog[open]', { hasText: 'Stop namespace servers?' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    await sleep(300);
    assert.equal((await d.api('GET', '/processes/web-server')).data.instances[0].status, 'running');
    await page.getByRole('button', { name: 'Restart namespace servers' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Restart all' }).click();
    await waitFor(async () => (await d.api('GET', '/processes/web-server')).data.instances[0].restarts >= 1, { what: 'the namespace restart' });
  });

  it('cron: Run now moves Last run at once', async () => {
    await d.api('POST', '/processes', { name: 'nightly', namespace: 'maintenance', command: '/bin/sh', args: ['-c', 'echo nightly'], cron: '0 3 * * *' });
    await go('#/cron');
    const last = page.locator('tr.prow[data-name="nightly"] td:nth-child(5)');
    await last.filter({ hasText: 'never' }).waitFor();
    await page.locator('tr.prow[data-name="nightly"]').getByRole('button', { name: 'Run now' }).click();
    await last.filter({ hasText: /ago/ }).waitFor({ timeout: 3000 });
    await last.filter({ hasText: 'exit 0' }).waitFor({ timeout: 3000 });
    // The history's Duration column lines up with its numbers.
    await page.getByRole('button', { name: 'History of nightly' }).click();
    const th = page.locator('.cron-history th', { hasText: 'Duration' });
    await th.waitFor();
    assert.equal(await th.evaluate((e) => getComputedStyle(e).textAlign), 'right');
  });

  it('log volume is counted by alterd (one request, no log download)', async () => {
    const calls = [];
    const on = (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/api/')) calls.push(u.pathname + u.search); };
    page.on('request', on);
    await go('#/volume');
    await page.locator('.bar-seg').first().waitFor();
    page.off('request', on);
    assert.equal(calls.filter((c) => c.startsWith('/api/v1/processes/all/logs/volume?')).length, 1, calls.join('\n'));
    assert.equal(calls.filter((c) => /\/logs\?/.test(c)).length, 0, calls.join('\n'));
  });

  it('a failed settings save says so, and Retry saves', async () => {
    allow500 = true;
    await page.route('**/api/v1/system/settings', (r) => (r.request().method() === 'PUT'
      ? r.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'disk full' } }) })
      : r.continue()));
    await go('#/settings/general');
    await page.getByRole('switch', { name: 'Confirm before clearing logs' }).click();
    await page.locator('.save-state.bad', { hasText: 'Not saved: disk full' }).waitFor();
    await page.unroute('**/api/v1/system/settings');
    allow500 = false;
    await page.locator('.save-state.bad').getByRole('button', { name: 'Retry' }).click();
    await page.locator('.save-state', { hasText: 'Saved to the daemon' }).waitFor();
    await page.getByRole('switch', { name: 'Confirm before clearing logs' }).click();
    await page.locator('.save-state', { hasText: 'Saved to the daemon' }).waitFor();
    assert.equal((await d.api('GET', '/system/settings')).data.confirm_clear_logs, true);
  });

  it('removing the PIN asks for the password', async () => {
    await go('#/settings/security');
    await page.getByRole('button', { name: 'Remove PIN' }).click();
    await page.locator('#pin-pw-err', { hasText: 'Enter your password' }).waitFor();
    await page.fill('#pin-pw', 'not the password');
    await page.getByRole('button', { name: 'Remove PIN' }).click();
    await page.locator('#pin-pw-err', { hasText: 'Wrong password' }).waitFor();
    await page.fill('#pin-pw', PASSWORD);
    await page.getByRole('button', { name: 'Remove PIN' }).click();
    await page.locator('.toast', { hasText: 'PIN removed' }).waitFor();
    await page.locator('.chip', { hasText: 'not set' }).waitFor();
  });

  it('no page scrolls sideways on a phone (390×844); screenshots of each', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const pages = [['#/processes', 'tr.prow'], ['#/processes?active=1', 'tr.prow'], ['#/processes/queue', '.mini-table.instances'],
      ['#/processes/flaky', '.why-banner'], ['#/processes/web-server/logs', '.log-body .ll'], ['#/logs', '.log-body .ll'],
      ['#/volume', '.bar-seg'], ['#/cron', 'tr.prow'], ['#/settings/general', '.set-row'], ['#/settings/appearance', '.swatches'],
      ['#/settings/security', '#pin-new'], ['#/settings/system', '.kv'], ['#/processes/new', '#f-name'], ['#/cron/new', '#f-cron']];
    const wide = [];
    for (const [hash, ready] of pages) {
      await go(hash);
      await page.locator(ready).first().waitFor();
      if (hash === '#/cron') await page.getByRole('button', { name: 'History of report' }).click();
      await sleep(400);
      const m = await page.evaluate(() => {
        const main = document.querySelector('main');
        return { doc: document.scrollingElement.scrollWidth - innerWidth, main: main.scrollWidth - main.clientWidth };
      });
      if (m.doc > 0 || m.main > 0) wide.push(`${hash}: document +${m.doc}px, main +${m.main}px`);
      await shot(`phone-${hash.replace(/[#/?=]+/g, '-').replace(/^-|-$/g, '')}`, { settle: 0 });
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    assert.deepEqual(wide, []);
  });

  it('keeps settings in the daemon: theme, accent, compact survive a reload', async () => {
    await go('#/settings/appearance');
    await page.getByRole('radio', { name: 'Light' }).click();
    await page.getByRole('radio', { name: 'Rose' }).click();
    await page.getByRole('switch', { name: 'Compact mode' }).click();
    await page.locator('.save-state', { hasText: 'Saved' }).waitFor();
    const stored = await waitFor(async () => {
      const s = (await d.api('GET', '/system/settings')).data;
      return s.theme === 'light' && s.accent === '#f43f5e' && s.compact === true ? s : null;
    }, { what: 'settings stored through the API' });
    assert.equal(stored.default_view, 'table');
    // A fresh browser profile (no localStorage): the settings come from the daemon.
    const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 720 }, storageState: await ctx.storageState() });
    const p2 = await ctx2.newPage();
    await p2.addInitScript(() => localStorage.clear());
    await p2.goto(d.url + '#/processes');
    // Without localStorage the page starts from the defaults (the accent indigo) until
    // GET /api/v1/system/settings answers.
    const applied = () => p2.evaluate(() => ({
      theme: document.documentElement.dataset.theme,
      density: document.documentElement.dataset.density,
      accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
    }));
    await waitFor(async () => (await applied()).accent === '#f43f5e', { what: 'the stored accent after a reload' });
    assert.deepEqual(await applied(), { theme: 'light', density: 'compact', accent: '#f43f5e' });
    await p2.locator('tr.prow').first().waitFor();
    await p2.screenshot({ path: join(SHOTS, 'list-light-compact.png') });
    await ctx2.close();
    // Back to the defaults through the UI.
    await page.getByRole('radio', { name: 'Dark' }).click();
    await page.getByRole('radio', { name: 'Indigo' }).click();
    await page.getByRole('switch', { name: 'Compact mode' }).click();
    await waitFor(async () => (await d.api('GET', '/system/settings')).data.theme === 'dark', { what: 'dark theme stored' });
    // The dark theme.
    await go('#/processes');
    await pill('web-server').waitFor();
    await shot('list-dark');
    await go('#/processes/queue');
    await page.locator('.stat-tile').first().waitFor();
    await sleep(3000);
    await shot('detail-dark');
    await go('#/logs');
    await page.locator('.log-body .ll').first().waitFor();
    await shot('log-library-dark');
  });

  it('deletes a process after confirming (Escape cancels the dialog)', async () => {
    await go('#/processes');
    await page.getByRole('button', { name: 'More actions for legacy' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.locator('dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    assert.equal((await d.api('GET', '/processes/legacy')).status, 200);
    await page.getByRole('button', { name: 'More actions for legacy' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Delete' }).click();
    await page.locator('tr.prow[data-name="legacy"]').waitFor({ state: 'detached' });
    assert.equal((await d.api('GET', '/processes/legacy')).status, 404);
  });

  it('had no console errors, CSP violations or uncaught exceptions', () => {
    assert.deepEqual(problems, []);
  });
});
