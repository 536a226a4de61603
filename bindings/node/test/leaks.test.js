// SPDX-License-Identifier: MIT
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { alter, tempDir } = require('../testing/helpers');

const count = () => ({
  fds: fs.readdirSync('/proc/self/fd').length,
  threads: fs.readdirSync('/proc/self/task').length,
});

async function cycle(logDir) {
  const m = new alter.Manager({ logDir });
  m.on('event', () => {});
  m.on('log', () => {});
  await m.start({ name: 'w', cmd: ['sh', '-c', 'echo hello; exec sleep 60'], instances: 2 });
  await m.wait('w', 'running', 10000);
  await m.logs('w');
  await m.close();
}

test('no threads or fds are left behind by 20 managers', async () => {
  const logDir = tempDir();
  // Warm-up: libuv's thread pool and node's own lazily created handles.
  await cycle(logDir);
  const before = count();
  for (let i = 0; i < 20; i++) await cycle(logDir);
  assert.deepEqual(count(), before);
});
