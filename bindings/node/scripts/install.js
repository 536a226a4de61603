#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// npm's install step. It builds nothing, downloads nothing and writes nothing: it checks that
// the addon this package will load (lib/native.js: $ALTER_NODE_ADDON, else prebuilt/alter.node,
// which the tarball made by Meson carries) loads into this node, and says what to do if not.
//
// The documented install is the tarball: `npm install <build>/bindings/node/alter.tgz` (see
// README.md). npm copies it into node_modules, so nothing refers back to the source tree.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const packageDir = path.resolve(__dirname, '..');

function log(msg) {
  process.stderr.write(`alter: ${msg}\n`);
}

function main() {
  // Where lib/native.js will look, without loading it here (a failed load would not say why).
  const probe = `
    try { const { file, addon } = require(${JSON.stringify(path.join(packageDir, 'lib', 'native.js'))});
          if (typeof addon.version() !== 'string') throw new Error('version() is not a string');
          console.log(file); }
    catch (e) { console.error(e.message); process.exit(1); }`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  if (r.status === 0) {
    log(`the addon loads: ${r.stdout.trim()}`);
    return;
  }
  log(r.stderr.trim());
  if (fs.existsSync(path.join(packageDir, 'prebuilt', 'alter.node'))) {
    log(`the prebuilt addon does not load into ${process.execPath} (node ${process.version}).`);
  } else {
    log('no built addon here. Install the package Meson builds instead of this folder: in the alter ' +
      'source tree `meson setup build && ninja -C build`, then `npm install <alter>/build/bindings/node/alter.tgz`.');
  }
  process.exit(1);
}

main();
