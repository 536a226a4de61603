// SPDX-License-Identifier: MIT
// Finds and loads alter.node. Order: $ALTER_NODE_ADDON, prebuilt/alter.node (carried by the
// tarball Meson builds, build/bindings/node/alter.tgz), then (for the package used straight from
// the alter source tree) build/ at the top of that tree.
'use strict';

const fs = require('fs');
const path = require('path');

const packageDir = path.join(__dirname, '..');

function candidates() {
  const out = [];
  if (process.env.ALTER_NODE_ADDON) out.push(path.resolve(process.env.ALTER_NODE_ADDON));
  out.push(path.join(packageDir, 'prebuilt', 'alter.node'));
  const root = path.resolve(packageDir, '..', '..');
  if (fs.existsSync(path.join(root, 'meson.build')) && fs.existsSync(path.join(root, 'libalter'))) {
    out.push(path.join(root, 'build', 'bindings', 'node', 'alter.node'));
  }
  return out;
}

function load() {
  const tried = candidates();
  for (const file of tried) {
    if (fs.existsSync(file)) return { addon: require(file), file };
  }
  const err = new Error(
    'alter: the native addon alter.node was not found (looked in ' + tried.join(', ') + '). ' +
      'Build it with `meson setup build && ninja -C build` in the alter source tree, then run ' +
      '`npm install <alter>/build/bindings/node/alter.tgz`, or point ALTER_NODE_ADDON at the built alter.node.');
  err.code = 'MODULE_NOT_FOUND';
  throw err;
}

module.exports = load();
