// SPDX-License-Identifier: MIT
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { EventEmitter } = require('events');
const { manager, once, collect, blockUntil, tempDir } = require('../testing/helpers');

test('events come through the EventEmitter, per kind too', async (t) => {
  const m = manager(t);
  assert.ok(m instanceof EventEmitter);
  const all = collect(t, m, 'event');
  const kinds = {};
  for (const k of ['added', 'removed', 'start', 'stop', 'crash', 'restart', 'backoff', 'exit', 'state']) {
    kinds[k] = collect(t, m, k);
  }
  const removed = once(m, 'removed', (ev) => ev.app === 'ev');
  await m.start({ name: 'ev', cmd: ['sh', '-c', 'sleep 0.1; exit 5'], restartDelayMs: 10, maxRestarts: 1 });
  await m.wait('ev', 'errored', 10000);
  await m.start({ name: 'ok', cmd: ['true'] });
  await m.wait('ok', 'exited', 10000);
  await m.delete('ev');
  await removed;

  assert.deepEqual(kinds.added.map((e) => e.app), ['ev', 'ok']);
  assert.equal(kinds.added[0].type, 'added');
  assert.equal(kinds.crash.length, 2);
  assert.equal(kinds.crash[0].exitCode, 5);
  assert.equal(kinds.backoff.length, 1);
  assert.equal(kinds.backoff[0].delayMs, 10);
  assert.equal(kinds.restart.length, 1);
  assert.equal(kinds.restart[0].from, 'waiting');
  assert.equal(kinds.exit.length, 1);
  assert.equal(kinds.exit[0].app, 'ok');
  assert.equal(kinds.exit[0].exitCode, 0);
  assert.deepEqual(kinds.start.map((e) => e.app), ['ev', 'ev', 'ok']);
  for (const e of kinds.start) assert.ok(e.pid > 0);

  // 'event' sees everything, 'state' every state change, in order.
  const states = all.filter((e) => e.type === 'state');
  assert.deepEqual(states, kinds.state);
  const evStates = states.filter((e) => e.app === 'ev').map((e) => e.to);
  assert.deepEqual(evStates, ['starting', 'running', 'crashed', 'waiting', 'starting', 'running', 'crashed', 'errored']);
  for (const e of states) {
    assert.equal(typeof e.timeMs, 'number');
    assert.equal(e.namespace, 'default');
    assert.equal(typeof e.reason, 'string');
  }
  assert.ok(all.some((e) => e.type === 'removed' && e.app === 'ev'));
});

test('a user stop is a stop event, a user restart a restart event', async (t) => {
  const m = manager(t);
  await m.start({ name: 's', cmd: ['sleep', '60'] });
  await m.wait('s', 'running', 10000);
  const restart = once(m, 'restart', (ev) => ev.app === 's');
  await m.restart('s');
  assert.equal((await restart).from, 'stopping');
  await m.wait('s', 'running', 10000);
  const stop = once(m, 'stop', (ev) => ev.app === 's');
  await m.stop('s');
  const ev = await stop;
  assert.equal(ev.to, 'stopped');
  assert.equal(ev.signal, 'SIGTERM');
});

test('log lines arrive as log events with their stream', async (t) => {
  const m = manager(t);
  const lines = collect(t, m, 'log');
  const three = once(m, 'log', () => lines.filter((l) => l.app === 'talk').length >= 3);
  await m.start({ name: 'talk', cmd: ['sh', '-c', 'echo hello; echo oops >&2; echo bye'], restart: 'never' });
  await three;
  await m.wait('talk', 'exited', 10000);
  const mine = lines.filter((l) => l.app === 'talk');
  assert.deepEqual(mine.map((l) => [l.stream, l.text]).sort(), [['err', 'oops'], ['out', 'bye'], ['out', 'hello']]);
  for (const l of mine) {
    assert.equal(l.instance, 'talk');
    assert.equal(typeof l.timeMs, 'number');
  }
});

test('a JS thread that falls behind gets a dropped notice; the supervisor never waits', async (t) => {
  const dir = tempDir();
  const m = manager(t, { logDir: dir, queueSize: 50 });
  const lines = collect(t, m, 'log');
  const dropped = collect(t, m, 'dropped');
  const total = 3000;
  await m.start({ name: 'spew', cmd: ['seq', '1', String(total)], restart: 'never' });
  // Block this thread until the supervisor has written every line to disk: it must get there
  // on its own while JavaScript is stuck.
  const file = path.join(dir, 'spew', 'out.log');
  const done = blockUntil(() => {
    try {
      return fs.readFileSync(file, 'utf8').includes(` ${total}\n`);
    } catch {
      return false;
    }
  }, 20000);
  assert.ok(done, 'the supervisor did not write all lines while the JS thread was blocked');
  await m.wait('spew', 'exited', 10000);
  if (dropped.length === 0) await once(m, 'dropped', () => true, 10000);
  const lost = dropped.reduce((n, d) => n + d.lost, 0);
  assert.ok(lost > 0);
  assert.equal(dropped[0].type, 'dropped');
  const got = lines.filter((l) => l.app === 'spew').length;
  assert.ok(got < total, `${got} lines delivered`);
  assert.ok(got >= 40, `${got} lines delivered`);
  // Every line was either delivered or counted (the count may include a few state events).
  assert.ok(got + lost >= total && got + lost <= total + 10, `${got} delivered, ${lost} lost`);
  // Still working afterwards.
  const s = once(m, 'start', (ev) => ev.app === 'after');
  await m.start({ name: 'after', cmd: ['sleep', '60'] });
  await s;
});

test('removeAllListeners keeps log delivery working', async (t) => {
  const m = manager(t);
  m.on('log', () => {});
  m.removeAllListeners();
  const line = once(m, 'log', (l) => l.app === 'again');
  await m.start({ name: 'again', cmd: ['echo', 'still here'], restart: 'never' });
  assert.equal((await line).text, 'still here');
});
