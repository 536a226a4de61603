// SPDX-License-Identifier: MIT
// Shared by the tests in ../test (kept out of test/: node --test runs every .js file there).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const alter = require('..');

/** A fresh temporary directory, removed when the process exits. */
function tempDir(prefix = 'alter-node-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A Manager with its own log dir; closed after the test (t.after). */
function manager(t, options = {}) {
  const m = new alter.Manager({ logDir: path.join(tempDir(), 'logs'), ...options });
  t.after(() => m.close());
  return m;
}

/**
 * Resolve with the first `event` emitted by `emitter` for which `pred` holds; reject after
 * `timeoutMs` (a deadline, not a sleep).
 */
function once(emitter, event, pred = () => true, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`no '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    function on(value) {
      if (!pred(value)) return;
      clearTimeout(timer);
      emitter.off(event, on);
      resolve(value);
    }
    emitter.on(event, on);
  });
}

/** Collect every `event` into an array (returned), until the test ends. */
function collect(t, emitter, event) {
  const out = [];
  const on = (v) => out.push(v);
  emitter.on(event, on);
  t.after(() => emitter.off(event, on));
  return out;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code !== 'ESRCH';
  }
}

/**
 * Run a JavaScript program in a child node process (with this package resolvable as 'alter').
 * Resolves with { code, signal, stdout, stderr, ms }; kills it and rejects after deadlineMs.
 */
function runNode(source, { deadlineMs = 20000, env = {} } = {}) {
  const packageDir = path.resolve(__dirname, '..');
  const prelude = `const alter = require(${JSON.stringify(packageDir)});\n`;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['-e', prelude + source], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child node did not exit within ${deadlineMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, deadlineMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Busy-wait (blocking this thread on purpose) until pred() holds or the deadline passes. */
function blockUntil(pred, deadlineMs = 10000) {
  const end = Date.now() + deadlineMs;
  while (!pred()) {
    if (Date.now() > end) return false;
  }
  return true;
}

module.exports = { alter, tempDir, manager, once, collect, alive, runNode, blockUntil };
