// SPDX-License-Identifier: MIT
// Every ```js block of README.md runs. A block that requires 'alter' itself is a whole program;
// any other is a snippet and runs in an async function with `m`, a Manager (as the README
// says). Both run in a scratch directory that has the files the README's commands name.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { tempDir } = require('../testing/helpers');

const packageDir = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');

const FIXTURES = {
  'server.js': "console.log('listening on', process.env.PORT); setInterval(() => {}, 1000);\n",
  'worker.py': 'import sys, time\nprint("worker up", sys.argv[1:], flush=True)\nwhile True:\n    time.sleep(1)\n',
  'report.sh': 'echo report\n',
  'node_modules/alter/index.js': `module.exports = require(${JSON.stringify(packageDir)});\n`,
};

function blocks() {
  const out = [];
  const re = /^( *)```js\n([\s\S]*?)^\1```$/gm; // also the indented ones (in lists)
  for (let m = re.exec(readme); m; m = re.exec(readme)) {
    const code = m[2].split('\n').map((l) => l.slice(m[1].length)).join('\n');
    out.push({ line: readme.slice(0, m.index).split('\n').length, code });
  }
  return out;
}

function program(code) {
  if (/require\('alter'\)/.test(code)) return code;
  return `const { Manager } = require('alter');
(async () => {
  const m = new Manager({ logDir: 'logs' });
  try {
${code}
  } finally {
    await m.close();
  }
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
`;
}

test('README.md has code blocks to run', () => {
  assert.ok(blocks().length >= 6);
});

for (const { line, code } of blocks()) {
  test(`README.md, the block at line ${line} runs`, () => {
    const dir = tempDir('alter-readme-');
    for (const [name, text] of Object.entries(FIXTURES)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const env = { ...process.env };
    delete env.NODE_PATH; // require('alter') resolves to node_modules/alter, like in a project
    const r = spawnSync(process.execPath, ['-e', program(code)], { cwd: dir, env, encoding: 'utf8', timeout: 30000 });
    assert.equal(r.signal, null, `killed (${r.signal}): did the block end?\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(r.stderr, '');
  });
}
