// SPDX-License-Identifier: MIT
// The documented offline install: `npm install <build>/bindings/node/alter.tgz` into a project.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { tempDir } = require('../testing/helpers');

const tarball = process.env.ALTER_NODE_PACKAGE;
const packageDir = path.resolve(__dirname, '..');

const USE = `
const { Manager, version } = require('alter');
(async () => {
  const m = new Manager();
  await m.start({ name: 'hello', cmd: ['echo', 'installed'], restart: 'never' });
  await m.wait('hello', 'exited', 10000);
  const [line] = await m.recentLogs('hello');
  await m.close();
  console.log(require.resolve('alter'), version(), line.text);
})();
`;

test('npm install of the tarball: a copy in node_modules that works, the source tree untouched',
  { skip: tarball ? false : 'ALTER_NODE_PACKAGE (the built alter.tgz) is not set' }, () => {
    const project = tempDir('alter-npm-');
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    const env = { ...process.env, npm_config_cache: path.join(project, '.npm-cache') };
    delete env.ALTER_NODE_ADDON; // the installed package must find its own addon
    delete env.NODE_PATH;
    const before = fs.readdirSync(packageDir).sort();
    const npm = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball],
      { cwd: project, env, encoding: 'utf8', timeout: 120000 });
    assert.equal(npm.status, 0, `npm install failed:\n${npm.stdout}\n${npm.stderr}`);

    const installed = path.join(project, 'node_modules', 'alter');
    assert.ok(fs.lstatSync(installed).isDirectory(), 'node_modules/alter is a copy, not a link');
    assert.ok(fs.existsSync(path.join(installed, 'prebuilt', 'alter.node')));
    assert.ok(fs.existsSync(path.join(installed, 'index.d.ts')));
    assert.deepEqual(fs.readdirSync(packageDir).sort(), before, 'the install wrote into the source tree');

    const run = spawnSync(process.execPath, ['-e', USE], { cwd: project, env, encoding: 'utf8', timeout: 30000 });
    assert.equal(run.status, 0, run.stderr);
    const [where, version, text] = run.stdout.trim().split(' ');
    assert.equal(where, path.join(fs.realpathSync(installed), 'index.js'));
    assert.match(version, /^\d+\.\d+\.\d+$/);
    assert.equal(text, 'installed');
  });
