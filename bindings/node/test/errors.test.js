// SPDX-License-Identifier: MIT
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { alter, manager } = require('../testing/helpers');

const { AlterError } = alter;

function isAlterError(code, more = {}) {
  return (err) => {
    assert.ok(err instanceof AlterError, `not an AlterError: ${err}`);
    assert.ok(err instanceof Error);
    assert.equal(err.code, code, err.message);
    assert.equal(typeof err.errno, 'number');
    for (const [k, v] of Object.entries(more)) {
      if (v instanceof RegExp) assert.match(err[k], v, `${k}: ${err[k]}`);
      else assert.equal(err[k], v, `${k}: ${err[k]}`);
    }
    return true;
  };
}

test('unknown field: ESPEC with the field and a did-you-mean hint', async (t) => {
  const m = manager(t);
  await assert.rejects(m.start({ name: 'x', cmd: ['true'], restrat: 'always' }),
    isAlterError('ESPEC', { errno: -1001, field: 'restrat', hint: /'restart'/ }));
  await assert.rejects(m.start({ name: 'x', cmd: ['true'], restartDelayMss: 5 }),
    isAlterError('ESPEC', { field: 'restartDelayMss', hint: /'restartDelayMs'/, message: /^restartDelayMss: unknown field/ }));
  await assert.rejects(m.start({ name: 'x', cmd: ['true'], restart: 'alwyas' }),
    isAlterError('ESPEC', { field: 'restart', hint: /'always'/ }));
  assert.deepEqual(await m.list(), []);
});

test('unknown app: ENOTFOUND', async (t) => {
  const m = manager(t);
  for (const op of [() => m.stop('ghost'), () => m.restart('ghost'), () => m.delete('ghost'), () => m.get('ghost'),
    () => m.logs('ghost'), () => m.wait('ghost', 'running', 1000), () => m.start('ghost')]) {
    await assert.rejects(op(), isAlterError('ENOTFOUND', { errno: -1000, message: /ghost/ }));
  }
});

test('duplicate name: EEXIST', async (t) => {
  const m = manager(t);
  await m.start({ name: 'dup', cmd: ['sleep', '60'] });
  await assert.rejects(m.start({ name: 'dup', cmd: ['sleep', '60'] }), isAlterError('EEXIST', { errno: -17, message: /dup/ }));
});

test('wrong types: the field that is wrong', async (t) => {
  const m = manager(t);
  await assert.rejects(m.start({ name: 'x', cmd: ['true'], instances: 'many' }),
    isAlterError('ESPEC', { field: 'instances', message: /expected an integer/ }));
  await assert.rejects(m.start({ name: 'x', cmd: 42 }), isAlterError('EINVAL', { errno: -22, field: 'cmd', hint: /cmd:/ }));
  await assert.rejects(m.start({ name: 'x', cmd: [] }), isAlterError('EINVAL', { field: 'cmd' }));
  await assert.rejects(m.start({ name: 'x' }), isAlterError('ESPEC', { field: 'cmd', message: /required/ }));
  await assert.rejects(m.start({ name: 'bad name!', cmd: ['true'] }), isAlterError('ESPEC', { field: 'name' }));
  await assert.rejects(m.start({ name: 'x', cmd: ['true'], env: 'A=1' }), isAlterError('ESPEC', { field: 'env' }));
  await assert.rejects(m.start(null), isAlterError('EINVAL', { field: 'spec' }));
  await assert.rejects(m.stop(42), isAlterError('EINVAL', { field: 'name' }));
  await assert.rejects(m.logs('x', { stream: 'both-ish' }), isAlterError('EINVAL', { field: 'stream' }));
  await assert.rejects(m.logs('x', { line: 3 }), isAlterError('EINVAL', { field: 'line', hint: /'lines'/ }));
  await assert.rejects(m.wait('x', 'sleeping'), isAlterError('EINVAL', { field: 'states' }));
  assert.throws(() => new alter.Manager({ logdir: '/tmp' }), isAlterError('EINVAL', { field: 'logdir', hint: /'logDir'/ }));
  assert.throws(() => new alter.Manager({ queueSize: -1 }), isAlterError('EINVAL', { field: 'queueSize' }));
  assert.throws(() => alter.validateSpec({ name: 'x', cmd: ['true'], restrat: 1 }), isAlterError('ESPEC', { field: 'restrat' }));
  assert.equal(alter.validateSpec({ name: 'x', cmd: ['true'] }).restart, 'on-failure');
});

test('wait: ETIMEDOUT after its deadline', async (t) => {
  const m = manager(t);
  await m.start({ name: 'slow', cmd: ['sleep', '60'] });
  const t0 = Date.now();
  await assert.rejects(m.wait('slow', 'stopped', 200), isAlterError('ETIMEDOUT', { errno: -110 }));
  assert.ok(Date.now() - t0 >= 190);
});

test('after close: ECLOSED', async (t) => {
  const m = manager(t);
  await m.close();
  assert.equal(m.closed, true);
  await assert.rejects(m.start({ name: 'x', cmd: ['true'] }), isAlterError('ECLOSED', { errno: -1005 }));
  await assert.rejects(m.list(), isAlterError('ECLOSED'));
  await m.close(); // idempotent
});

test('a spawn failure is reported through the app state', async (t) => {
  const m = manager(t);
  await m.start({ name: 'nope', cmd: ['/nonexistent/program'] });
  const [p] = await m.wait('nope', 'errored', 10000);
  assert.match(p.error, /nonexistent|No such file/);
});
