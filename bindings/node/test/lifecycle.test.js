// SPDX-License-Identifier: MIT
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { alter, manager, alive, once, tempDir } = require('../testing/helpers');

const SLEEPER = ['sh', '-c', 'exec sleep 60'];

test('start returns an App and the instance runs', async (t) => {
  const m = manager(t);
  const app = await m.start({ name: 'web', cmd: SLEEPER, env: { PORT: 8080 } });
  assert.ok(app instanceof alter.App);
  assert.equal(app.name, 'web');
  const [p] = await m.wait('web', 'running', 10000);
  assert.equal(p.status, 'running');
  assert.ok(p.pid > 0 && alive(p.pid));

  const list = await m.list();
  assert.equal(list.length, 1);
  const info = list[0];
  assert.equal(info.name, 'web');
  assert.equal(info.app, 'web');
  assert.equal(info.namespace, 'default');
  assert.equal(info.status, 'running');
  assert.equal(typeof info.pid, 'number');
  assert.equal(typeof info.restarts, 'number');
  assert.equal(typeof info.uptimeMs, 'number');
  assert.equal(typeof info.cpuPercent, 'number');
  assert.equal(typeof info.memoryBytes, 'number');
  assert.equal(info.exitCode, null);
  assert.equal(info.signal, null);
  assert.deepEqual(info.args, ['-c', 'exec sleep 60']);
});

test('stop, start again, restart gives a new pid, delete removes', async (t) => {
  const m = manager(t);
  const app = await m.start({ name: 'svc', cmd: SLEEPER });
  const [first] = await app.wait('running', 10000);

  assert.equal(await m.stop('svc'), 1);
  const [stopped] = await app.wait('stopped', 10000);
  assert.equal(stopped.pid, 0);
  assert.equal(alive(first.pid), false);
  assert.equal(stopped.signal, 'SIGTERM');

  await app.start();
  const [again] = await app.wait('running', 10000);
  assert.notEqual(again.pid, first.pid);

  // A restart goes through stopping -> starting -> running with a new process.
  const started = once(m, 'start', (ev) => ev.instance === 'svc' && ev.pid !== again.pid);
  assert.equal(await app.restart(), 1);
  const ev = await started;
  const [restarted] = await app.wait('running', 10000);
  assert.equal(restarted.pid, ev.pid);
  assert.notEqual(restarted.pid, again.pid);
  assert.equal(alive(again.pid), false);
  assert.ok(restarted.restarts >= 1);

  assert.equal(await m.delete('svc'), 1);
  await assert.rejects(m.get('svc'), { code: 'ENOTFOUND' });
  assert.deepEqual(await m.list(), []);
});

test('instances get their own names and processes', async (t) => {
  const m = manager(t);
  await m.start({ name: 'pool', cmd: SLEEPER, instances: 3, namespace: 'jobs' });
  const procs = await m.wait('pool', 'running', 10000);
  assert.deepEqual(procs.map((p) => p.name).sort(), ['pool-0', 'pool-1', 'pool-2']);
  assert.equal(new Set(procs.map((p) => p.pid)).size, 3);
  assert.equal((await m.list('jobs')).length, 3);
  assert.equal((await m.list('other')).length, 0);
  assert.equal(await m.stop('pool-1'), 1);
  await m.wait('pool-1', 'stopped', 10000);
  const info = await m.get('pool');
  assert.equal(info.namespace, 'jobs');
  assert.deepEqual(info.instances.map((p) => p.status).sort(), ['running', 'running', 'stopped']);
});

test('add without start, then update in place', async (t) => {
  const m = manager(t);
  const app = await m.add({ name: 'later', cmd: SLEEPER });
  const [p] = await m.wait('later', 'stopped', 10000);
  assert.equal(p.pid, 0);
  await m.update('later', { restartDelayMs: 250 });
  assert.equal((await m.spec('later')).restart_delay_ms, 250);
  await app.start();
  await app.wait('running', 10000);
});

test('load applies an ecosystem file; a second load changes nothing', async (t) => {
  const m = manager(t);
  const file = path.join(tempDir(), 'alter.toml');
  fs.writeFileSync(file, '[[apps]]\nname = "eco"\ncommand = "sleep"\nargs = ["60"]\ncwd = "."\n');
  const first = await m.load(file);
  assert.deepEqual(first.added, ['eco']);
  const [p] = await m.wait('eco', 'running', 10000);
  assert.equal(path.resolve(p.cwd), path.dirname(file));
  const second = await m.load(file);
  assert.deepEqual(second.unchanged, ['eco']);
  await assert.rejects(m.load(path.join(path.dirname(file), 'missing.toml')), { code: 'ENOENT' });
});

test('children start with default signal dispositions, not node\'s ignored SIGPIPE', async (t) => {
  const m = manager(t);
  await m.start({ name: 'sig', cmd: ['grep', 'SigIgn', '/proc/self/status'], restart: 'never' });
  await m.wait('sig', 'exited', 10000);
  const [line] = await m.recentLogs('sig');
  const ignored = BigInt('0x' + line.text.split(/\s+/)[1]);
  assert.equal(ignored & (1n << 12n), 0n, `SIGPIPE ignored in the child: ${line.text}`);
});

test('calls on a manager take effect in the order they were made, awaited or not', async (t) => {
  const m = manager(t);
  await m.add({ name: 'order', cmd: ['sleep', '60'] });
  const updates = [];
  for (let i = 0; i < 50; i++) updates.push(m.update('order', { env: { N: String(i) } }));
  const spec = m.spec('order'); // made last: answers after every update
  m.start('order');
  const stopped = m.stop('order');
  const info = m.get('order');
  await Promise.all(updates);
  assert.equal((await spec).env.N, '49');
  await stopped;
  assert.ok(['stopping', 'stopped'].includes((await info).instances[0].status));
});
