#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// supervise.js: supervise a worker that crashes now and then. Prints the supervisor's events and
// the worker's log lines, and after a few seconds closes the manager (which stops the worker)
// and exits on its own.
//
//   node examples/node/supervise.js [--seconds N] [--expect-restart]
//
// --expect-restart makes the exit code 1 unless at least one restart was seen (the test).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { Manager } = require('alter');

function options(argv) {
  const o = { seconds: 5, expectRestart: false };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--seconds') o.seconds = Number(argv[++i]);
    else if (argv[i] === '--expect-restart') o.expectRestart = true;
    else {
      console.error(`usage: ${path.basename(argv[1])} [--seconds N] [--expect-restart]`);
      process.exit(2);
    }
  }
  return o;
}

// The worker: a line every 100 ms; from the third line on it may crash (exit 1), and it always
// does by the sixth.
const WORKER = `
  let n = 0;
  setInterval(() => {
    n += 1;
    console.log('working on item ' + n);
    if (n >= 3 && (Math.random() < 0.4 || n >= 6)) {
      console.error('worker: item ' + n + ' failed, giving up');
      process.exit(1);
    }
  }, 100);
`;

async function main() {
  const opts = options(process.argv);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alter-example-'));
  const m = new Manager({ logDir });
  let restarts = 0;

  m.on('start', (ev) => console.log(`[alter] ${ev.instance} is running (pid ${ev.pid})`));
  m.on('crash', (ev) => console.log(`[alter] ${ev.instance} crashed with exit code ${ev.exitCode}`));
  m.on('backoff', (ev) => console.log(`[alter] ${ev.instance} restarts in ${ev.delayMs} ms`));
  m.on('restart', (ev) => {
    restarts += 1;
    console.log(`[alter] ${ev.instance} restarting (${ev.restarts} so far)`);
  });
  m.on('stop', (ev) => console.log(`[alter] ${ev.instance} stopped`));
  m.on('log', (line) => console.log(`  ${line.instance} ${line.stream}| ${line.text}`));
  m.on('dropped', (d) => console.log(`[alter] ${d.lost} records dropped (this program fell behind)`));

  await m.start({
    name: 'worker',
    cmd: [process.execPath, '-e', WORKER],
    restart: 'on-failure',
    restartDelayMs: 200,
    maxRestartDelayMs: 1000,
  });

  // Run for a while, or until Ctrl-C: either way close properly, so the worker is stopped too.
  let onSigint;
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, opts.seconds * 1000);
    onSigint = () => {
      clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', onSigint);
  });
  process.removeListener('SIGINT', onSigint);
  const [p] = await m.app('worker').processes();
  console.log(`[alter] after ${opts.seconds} s: ${p.status}, ${p.restarts} restarts`);
  await m.close();
  fs.rmSync(logDir, { recursive: true, force: true });
  console.log(`done: ${restarts} restarts seen`);
  if (opts.expectRestart && restarts === 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
