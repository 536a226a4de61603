// SPDX-License-Identifier: MIT
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { manager } = require('../testing/helpers');

// Regression: wait() re-read the current status on each event, so a state that lasts a moment
// (crashed, then at once waiting for the restart) was never seen and the wait timed out.
test('wait sees a short-lived state: crashed before a 1 s restart delay', async (t) => {
  const m = manager(t);
  await m.start({ name: 'c', cmd: ['sh', '-c', 'sleep 0.2; exit 1'], restartDelayMs: 1000 });
  const t0 = Date.now();
  const procs = await m.wait('c', 'crashed', 3000);
  assert.ok(Date.now() - t0 < 3000);
  assert.equal(procs.length, 1);
  assert.equal(procs[0].exitCode, 1);
  assert.ok(['crashed', 'waiting', 'starting', 'running'].includes(procs[0].status), procs[0].status);
});

test('wait: every instance seen in the state, not necessarily at the same moment', async (t) => {
  const m = manager(t);
  // pool-0 crashes after 0.1 s and waits 2 s for its restart; pool-1 crashes after 0.6 s.
  await m.start({
    name: 'pool',
    cmd: ['sh', '-c', 'sleep 0.$((1 + ALTER_INSTANCE * 5)); exit 2'],
    instances: 2,
    restartDelayMs: 2000,
  });
  const procs = await m.wait('pool', ['crashed', 'errored'], 1900);
  assert.deepEqual(procs.map((p) => p.name).sort(), ['pool-0', 'pool-1']);
  assert.ok(procs.every((p) => p.exitCode === 2));
});

test('wait: a state that already holds resolves at once with the instances', async (t) => {
  const m = manager(t);
  await m.add({ name: 'idle', cmd: ['sleep', '60'] });
  const [p] = await m.wait('idle', ['stopped', 'exited'], 1000);
  assert.equal(p.name, 'idle');
  assert.equal(p.status, 'stopped');
});

test('wait on "all" and "ns:NAME" targets, and on an instance', async (t) => {
  const m = manager(t);
  await m.start({ name: 'a', cmd: ['sleep', '60'], namespace: 'jobs', instances: 2 });
  await m.start({ name: 'b', cmd: ['sleep', '60'] });
  const jobs = await m.wait('ns:jobs', 'running', 10000);
  assert.deepEqual(jobs.map((p) => p.name).sort(), ['a-0', 'a-1']);
  const all = await m.wait('all', 'running', 10000);
  assert.deepEqual(all.map((p) => p.name).sort(), ['a-0', 'a-1', 'b']);
  const stopped = m.wait('a-1', 'stopped', 10000);
  await m.stop('a-1');
  const [p] = await stopped;
  assert.equal(p.name, 'a-1');
  assert.equal(p.status, 'stopped');
});

test('wait: an app that gets more instances meanwhile waits for them too', async (t) => {
  const m = manager(t);
  await m.start({ name: 'grow', cmd: ['sleep', '60'] });
  await m.wait('grow', 'running', 10000);
  await m.stop('grow');
  await m.wait('grow', 'stopped', 10000);
  const running = m.wait('grow', 'running', 10000);
  await m.update('grow', { instances: 3 });
  await m.start('grow');
  const procs = await running;
  assert.equal(procs.length, 3);
});

test('wait: ETIMEDOUT names the states it saw', async (t) => {
  const m = manager(t);
  await m.start({ name: 'slow', cmd: ['sleep', '60'] });
  await m.wait('slow', 'running', 10000);
  await assert.rejects(m.wait('slow', 'exited', 100), (err) => {
    assert.equal(err.code, 'ETIMEDOUT');
    assert.match(err.message, /slow: running/);
    return true;
  });
});

test('wait for stopped, then the app is deleted: resolves with its last status', async (t) => {
  const m = manager(t);
  await m.start({ name: 'gone', cmd: ['sleep', '60'] });
  await m.wait('gone', 'running', 10000);
  const stopped = m.wait('gone', 'stopped', 10000);
  await m.delete('gone');
  const [p] = await stopped;
  assert.equal(p.name, 'gone');
});

test('wait for running, then the app is deleted: ENOTFOUND once its instances are stopped', async (t) => {
  const m = manager(t);
  await m.add({ name: 'never', cmd: ['sleep', '60'] });
  const running = m.wait('never', 'running', 10000);
  await m.delete('never');
  await assert.rejects(running, (err) => {
    assert.equal(err.code, 'ENOTFOUND');
    return true;
  });
});
