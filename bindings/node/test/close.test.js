// SPDX-License-Identifier: MIT
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { alter, tempDir, alive, runNode, collect, once } = require('../testing/helpers');

test('close stops every child', async () => {
  const m = new alter.Manager({ logDir: tempDir() });
  await m.start({ name: 'a', cmd: ['sleep', '60'], instances: 2 });
  await m.start({ name: 'b', cmd: ['sh', '-c', 'trap "" TERM; while :; do sleep 0.05; done'], killTimeoutMs: 300 });
  const procs = [...(await m.wait('a', 'running', 10000)), ...(await m.wait('b', 'running', 10000))];
  const pids = procs.map((p) => p.pid);
  assert.equal(pids.length, 3);
  assert.ok(pids.every(alive));
  await m.close();
  assert.deepEqual(pids.filter(alive), []);
});

test('no callback arrives after close resolves', async () => {
  const m = new alter.Manager({ logDir: tempDir() });
  let closed = false;
  const late = [];
  const events = [];
  for (const name of ['event', 'log', 'state', 'start', 'stop', 'crash', 'restart', 'dropped']) {
    m.on(name, (v) => {
      if (closed) late.push([name, v]);
      else events.push(name);
    });
  }
  const ticking = once(m, 'log', (l) => l.app === 'noisy');
  await m.start({ name: 'noisy', cmd: ['sh', '-c', 'while :; do echo tick; done'] });
  await m.start({ name: 'crashy', cmd: ['sh', '-c', 'exit 1'], restartDelayMs: 1 });
  await ticking;
  await m.close();
  closed = true;
  assert.ok(events.includes('log'));
  assert.ok(events.includes('stop'), 'the stop events of close are delivered before it resolves');
  // An observation window for anything late (the native side has released its threadsafe
  // function by now: nothing can come).
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(late, []);
});

test('the process exits by itself once the manager is closed', async () => {
  const r = await runNode(`
    (async () => {
      const m = new alter.Manager({ logDir: ${JSON.stringify(tempDir())} });
      m.on('log', () => {});
      m.on('event', () => {});
      await m.start({ name: 'w', cmd: ['sleep', '60'] });
      await m.wait('w', 'running', 10000);
      await m.close();
      console.log('closed');
    })();
  `, { deadlineMs: 15000 });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), 'closed');
});

test('unref() lets the process exit; its children are stopped at exit', async () => {
  const r = await runNode(`
    (async () => {
      const m = new alter.Manager({ logDir: ${JSON.stringify(tempDir())} });
      await m.start({ name: 'w', cmd: ['sleep', '60'] });
      const [p] = await m.wait('w', 'running', 10000);
      console.log(p.pid);
      m.unref();
    })();
  `, { deadlineMs: 15000 });
  assert.equal(r.code, 0, r.stderr);
  const pid = Number(r.stdout.trim());
  assert.ok(pid > 0);
  assert.equal(alive(pid), false);
});

for (const [how, code, ending] of [
  ['process.exit()', 3, 'process.exit(3);'],
  ['an uncaught exception', 1, "throw new Error('boom');"],
]) {
  test(`exit without close (${how}): children are not left behind`, async () => {
    const r = await runNode(`
      (async () => {
        const m = new alter.Manager({ logDir: ${JSON.stringify(tempDir())} });
        await m.start({ name: 'w', cmd: ['sleep', '60'], instances: 2 });
        const ps = await m.wait('w', 'running', 10000);
        console.log(ps.map((p) => p.pid).join(' '));
        ${ending}
      })();
    `, { deadlineMs: 15000 });
    assert.equal(r.code, code, r.stderr);
    const pids = r.stdout.trim().split(' ').map(Number);
    assert.equal(pids.length, 2);
    assert.deepEqual(pids.filter(alive), []);
  });
}

test('a worker that ends without close(): the env cleanup hook stops its children', async () => {
  const r = await runNode(`
    const { Worker } = require('worker_threads');
    const w = new Worker(\`
      const alter = require(${JSON.stringify(require('path').resolve(__dirname, '..'))});
      const { parentPort } = require('worker_threads');
      (async () => {
        const m = new alter.Manager({ closeOnExit: false });
        await m.start({ name: 'w', cmd: ['sleep', '60'] });
        const [p] = await m.wait('w', 'running', 10000);
        parentPort.postMessage(p.pid);
        m.unref();
      })();
    \`, { eval: true });
    w.on('message', (pid) => console.log(pid));
    w.on('exit', (code) => console.log('worker exit', code));
  `, { deadlineMs: 15000 });
  assert.equal(r.code, 0, r.stderr);
  const [pidLine, exitLine] = r.stdout.trim().split('\n');
  assert.equal(exitLine, 'worker exit 0');
  assert.equal(alive(Number(pidLine)), false);
});

test('close while a wait is pending rejects it with ECLOSED', async (t) => {
  const m = new alter.Manager();
  const events = collect(t, m, 'event');
  await m.start({ name: 'w', cmd: ['sleep', '60'] });
  const pending = m.wait('w', 'exited');
  await m.wait('w', 'running', 10000);
  const closing = m.close();
  await assert.rejects(pending, { code: 'ECLOSED' });
  await closing;
  assert.ok(events.length > 0);
});
