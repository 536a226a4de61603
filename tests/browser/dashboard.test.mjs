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
