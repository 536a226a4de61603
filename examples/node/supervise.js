#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// supervise.js: supervise a worker that crashes now and then, and print its events and output.
// alter restarts the worker with a growing delay. The program closes the manager (which stops
// the worker) and exits on its own once the worker has been restarted twice, or after
// --seconds (default 15), or at Ctrl-C; the exit status is 1 if no restart was seen.
//
//   node examples/node/supervise.js [--seconds N]
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { Manager } = require('alter');

function options(argv) {
  const o = { seconds: 15 };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--seconds' && i + 1 < argv.length) o.seconds = Number(argv[++i]);
    else {
      console.error(`usage: ${path.basename(argv[1])} [--seconds N]`);
      process.exit(2);
    }
  }
  return o;
}

// The worker: an item every 100 ms; one item in ten (never the first) fails at random and it
// exits with status 1.
const WORKER = `
  let n = 0;
  setInterval(() => {
    n += 1;
    console.log('item ' + n + ' done');
    if (Math.random() < 0.1) {
      console.error('item ' + (n + 1) + ' failed, giving up');
      process.exit(1);
    }
  }, 100);
`;

async function main() {
  const opts = options(process.argv);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alter-example-'));
  const m = new Manager({ logDir });
  let restarts = 0;
  let enough;
  const twoRestarts = new Promise((resolve) => (enough = resolve));

  m.on('state', (ev) => {
    let extra = '';
    if (ev.to === 'running') extra = ` (pid ${ev.pid})`;
    else if (ev.to === 'crashed') extra = ev.signal ? ` (signal ${ev.signal})` : ` (exit code ${ev.exitCode})`;
    else if (ev.to === 'waiting' && ev.delayMs !== undefined) extra = ` (restart in ${ev.delayMs} ms)`;
    else if (ev.to === 'starting' && (ev.from === 'waiting' || ev.from === 'crashed')) extra = ` (restart ${++restarts})`;
    console.log(`event: ${ev.instance} ${ev.from} -> ${ev.to}${extra}`);
    if (ev.to === 'running' && restarts >= 2) enough();
  });
  m.on('log', (line) => console.log(`log:   ${line.instance} ${line.stream}| ${line.text}`));
  m.on('dropped', (d) => console.log(`${d.lost} records dropped (this program fell behind)`));

  // Restart on failure. A run shorter than 5 s is unstable: its restart waits 100 ms, doubling up
  // to 1 s (the backoff); after a longer run the restart is immediate.
  await m.start({
    name: 'worker',
    cmd: [process.execPath, '-e', WORKER],
    restart: 'on-failure',
    restartDelayMs: 100,
    backoffMultiplier: 2,
    maxRestartDelayMs: 1000,
    minUptimeMs: 5000,
  });

  // Until two restarts, the time limit or Ctrl-C: then close, which stops the worker too.
  let timer;
  let onSigint;
  await Promise.race([
    twoRestarts,
    new Promise((resolve) => {
      timer = setTimeout(resolve, opts.seconds * 1000);
      onSigint = resolve;
      process.once('SIGINT', onSigint);
    }),
  ]);
  clearTimeout(timer);
  process.removeListener('SIGINT', onSigint);
  const errors = await m.logs('worker', { lines: 2, stream: 'err' });
  console.log('last errors:');
  for (const l of errors) console.log(`  ${new Date(l.timeMs).toISOString()} ${l.text}`);
  await m.close(); // no listener is called after this
  fs.rmSync(logDir, { recursive: true, force: true });
  console.log(`done: ${restarts} restarts seen`);
  if (restarts === 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
