// SPDX-License-Identifier: MIT
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { manager } = require('../testing/helpers');

const SCRIPT = 'for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; done; echo "Mixed CASE"';

async function withLogs(t) {
  const m = manager(t);
  await m.start({ name: 'chatty', cmd: ['sh', '-c', SCRIPT], restart: 'never' });
  await m.wait('chatty', 'exited', 10000);
  return m;
}

test('logs: the newest lines, oldest first', async (t) => {
  const m = await withLogs(t);
  const all = await m.logs('chatty', { lines: 100 });
  assert.equal(all.length, 11);
  for (const l of all) {
    assert.equal(l.instance, 'chatty');
    assert.ok(l.stream === 'out' || l.stream === 'err');
    assert.equal(typeof l.timeMs, 'number');
  }
  const last = await m.logs('chatty', { lines: 1, stream: 'err' });
  assert.deepEqual(last.map((l) => l.text), ['err 5']);
  const three = await m.logs('chatty', { lines: 3, stream: 'out' });
  assert.deepEqual(three.map((l) => l.text), ['out 4', 'out 5', 'Mixed CASE']);
});

test('logs: stream filter', async (t) => {
  const m = await withLogs(t);
  const err = await m.logs('chatty', { stream: 'err' });
  assert.deepEqual(err.map((l) => l.text), ['err 1', 'err 2', 'err 3', 'err 4', 'err 5']);
  assert.ok(err.every((l) => l.stream === 'err'));
  const out = await m.logs('chatty', { stream: 'out' });
  assert.equal(out.length, 6);
});

test('logs: grep, regex, ignoreCase', async (t) => {
  const m = await withLogs(t);
  assert.deepEqual((await m.logs('chatty', { grep: 'out 3' })).map((l) => l.text), ['out 3']);
  assert.deepEqual((await m.logs('chatty', { grep: 'err [24]', regex: true })).map((l) => l.text), ['err 2', 'err 4']);
  assert.deepEqual((await m.logs('chatty', { grep: 'mixed case', ignoreCase: true })).map((l) => l.text), ['Mixed CASE']);
  assert.deepEqual(await m.logs('chatty', { grep: 'mixed case' }), []);
  const app = m.app('chatty');
  assert.deepEqual((await app.logs({ grep: '5', stream: 'err' })).map((l) => l.text), ['err 5']);
});

test('recentLogs: from memory, without a log dir', async (t) => {
  const m = manager(t, { logDir: undefined });
  await m.start({ name: 'mem', cmd: ['sh', '-c', SCRIPT], restart: 'never' });
  await m.wait('mem', 'exited', 10000);
  assert.deepEqual(await m.logs('mem'), []);
  const err = await m.recentLogs('mem', { stream: 'err', lines: 2 });
  assert.deepEqual(err.map((l) => l.text), ['err 4', 'err 5']);
  assert.equal((await m.recentLogs('mem')).length, 11);
});
