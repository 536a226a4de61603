// SPDX-License-Identifier: MIT
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { manager, once, collect } = require('../testing/helpers');

test('a crashing app is restarted with growing delays', async (t) => {
  const m = manager(t);
  const crashes = collect(t, m, 'crash');
  const backoffs = collect(t, m, 'backoff');
  const restarts = collect(t, m, 'restart');
  const fourth = once(m, 'backoff', (ev) => ev.restarts >= 4, 20000);
  await m.start({
    name: 'flaky',
    cmd: ['sh', '-c', 'echo starting; exit 3'],
    restart: 'on-failure',
    restartDelayMs: 100,
    backoffMultiplier: 2,
    maxRestartDelayMs: 10000,
    minUptimeMs: 5000,
  });
  await fourth;
  await m.stop('flaky');

  assert.ok(crashes.length >= 4);
  for (const ev of crashes) {
    assert.equal(ev.exitCode, 3);
    assert.equal(ev.from, 'running');
    assert.equal(ev.to, 'crashed');
  }
  const delays = backoffs.map((ev) => ev.delayMs);
  assert.deepEqual(delays.slice(0, 4), [100, 200, 400, 800]);
  // Each restart came about its delay after the crash (generous bounds: the timer runs on the
  // loop's clock, the stamps are wall-clock), and the waits grew.
  const waited = [0, 1, 2].map((i) => restarts[i].timeMs - backoffs[i].timeMs);
  for (let i = 0; i < 3; i++) {
    assert.ok(waited[i] >= delays[i] * 0.8, `restart ${i} after ${waited[i]} ms, delay ${delays[i]} ms`);
    assert.ok(waited[i] < delays[i] + 3000, `restart ${i} after ${waited[i]} ms, delay ${delays[i]} ms`);
  }
  assert.ok(waited[2] > waited[0], `waits ${waited}`);
  const [p] = await m.wait('flaky', 'stopped', 10000);
  assert.ok(p.restarts >= 4);
  assert.equal(p.exitCode, 3);
});

test('too many restarts: errored until reset', async (t) => {
  const m = manager(t);
  const errored = once(m, 'errored', (ev) => ev.app === 'doomed', 20000);
  await m.start({ name: 'doomed', cmd: ['sh', '-c', 'exit 1'], restartDelayMs: 10, maxRestarts: 2 });
  const ev = await errored;
  assert.equal(ev.to, 'errored');
  const [p] = await m.wait('doomed', 'errored', 1000);
  assert.equal(p.restarts, 2);
  await m.reset('doomed');
  await m.wait('doomed', 'stopped', 10000);
});

test('restart: never leaves a crashed app crashed; a clean exit is exited', async (t) => {
  const m = manager(t);
  await m.start({ name: 'once-bad', cmd: ['sh', '-c', 'exit 7'], restart: 'never' });
  await m.start({ name: 'once-good', cmd: ['sh', '-c', 'exit 0'] });
  const [bad] = await m.wait('once-bad', 'crashed', 10000);
  assert.equal(bad.exitCode, 7);
  assert.equal(bad.restarts, 0);
  const [good] = await m.wait('once-good', 'exited', 10000);
  assert.equal(good.exitCode, 0);
});

test('death by a signal is a crash with the signal name', async (t) => {
  const m = manager(t);
  const crash = once(m, 'crash', (ev) => ev.app === 'killed');
  await m.start({ name: 'killed', cmd: ['sh', '-c', 'kill -9 $$'], restart: 'never' });
  const ev = await crash;
  assert.equal(ev.signal, 'SIGKILL');
});
