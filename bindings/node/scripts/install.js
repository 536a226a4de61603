#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// npm's install (and prepare) step: put a built alter.node into prebuilt/ and check that it
// loads. Nothing is downloaded: the addon is built by Meson from the alter source tree with the
// N-API headers that ship with node (/usr/include/node).
//
// Where the addon comes from, first match wins:
//   1. $ALTER_NODE_ADDON: a built alter.node;
//   2. the alter source tree this package lives in (bindings/node): the build directory
//      $ALTER_BUILD_DIR (default: build) at its top; when it has no addon yet, and meson and
//      ninja are installed, it is configured (if needed) and the addon built there;
//   3. prebuilt/alter.node already in the package (a packed copy of an installed tree).
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const packageDir = path.resolve(__dirname, '..');
const target = path.join(packageDir, 'prebuilt', 'alter.node');
const ADDON_IN_BUILD = path.join('bindings', 'node', 'alter.node');

function log(msg) {
  process.stderr.write(`alter: ${msg}\n`);
}

function fail(msg) {
  log(msg);
  process.exit(1);
}

function run(cmd, args) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', process.stderr, process.stderr] });
  if (r.error) return false;
  return r.status === 0;
}

function sourceRoot() {
  const root = path.resolve(packageDir, '..', '..');
  const meson = path.join(root, 'meson.build');
  if (!fs.existsSync(meson) || !fs.existsSync(path.join(root, 'libalter', 'include', 'alter', 'alter.h'))) return null;
  return /project\(\s*'alter'/.test(fs.readFileSync(meson, 'utf8')) ? root : null;
}

function fromSourceTree(root) {
  const buildDir = path.resolve(root, process.env.ALTER_BUILD_DIR || 'build');
  const built = path.join(buildDir, ADDON_IN_BUILD);
  if (!fs.existsSync(path.join(buildDir, 'build.ninja'))) {
    if (!run('meson', ['setup', buildDir, root])) return null;
  }
  // Always ask ninja: it rebuilds a stale addon and does nothing for an up-to-date one.
  if (!run('ninja', ['-C', buildDir, ADDON_IN_BUILD])) {
    return fs.existsSync(built) ? built : null;
  }
  return fs.existsSync(built) ? built : null;
}

function loads(file) {
  const probe = `const a = require(${JSON.stringify(file)}); if (typeof a.version() !== 'string') process.exit(1);`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  if (r.status !== 0) log(`${file} does not load:\n${r.stderr}`);
  return r.status === 0;
}

function main() {
  let source = null;
  if (process.env.ALTER_NODE_ADDON) {
    source = path.resolve(process.env.ALTER_NODE_ADDON);
    if (!fs.existsSync(source)) fail(`ALTER_NODE_ADDON=${source}: no such file`);
  } else {
    const root = sourceRoot();
    if (root) source = fromSourceTree(root);
    if (!source && fs.existsSync(target)) source = target;
  }
  if (!source) {
    fail('no built alter.node found. In the alter source tree run `meson setup build && ninja -C build`, ' +
      'then `npm install <alter>/bindings/node` (or set ALTER_NODE_ADDON to a built alter.node).');
  }
  if (source !== target) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.tmp`;
    fs.copyFileSync(source, tmp);
    fs.renameSync(tmp, target); // atomic: a running process keeps its mapped copy
  }
  if (!loads(target)) fail(`the addon in ${target} cannot be loaded by ${process.execPath}`);
  log(`using ${source === target ? target : `${source} (copied to ${target})`}`);
}

main();
