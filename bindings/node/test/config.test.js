// SPDX-License-Identifier: MIT
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { alter, manager, tempDir } = require('../testing/helpers');
const { FORMATS } = require('../lib/manager');

const SUPERVISORD = '[program:web]\ncommand = sleep 60\nautorestart = true\n';

test('every ecosystem format of alter.h can be named', () => {
  const header = path.resolve(__dirname, '../../../libalter/include/alter/alter.h');
  const defined = {};
  for (const [, name, value] of fs.readFileSync(header, 'utf8').matchAll(/#define ALTER_FORMAT_(\w+) (\d+)u/g)) {
    defined[name.toLowerCase()] = Number(value);
  }
  assert.ok(Object.keys(defined).length >= 7);
  assert.deepEqual(FORMATS, defined);
});

test("parseConfig with format: 'supervisord' (and by auto-detection)", () => {
  const named = alter.parseConfig(SUPERVISORD, { format: 'supervisord' });
  assert.deepEqual(named.apps.map((a) => [a.name, a.command, a.args]), [['web', 'sleep', ['60']]]);
  const sniffed = alter.parseConfig(SUPERVISORD, { filename: 'supervisord.conf' });
  assert.deepEqual(sniffed.apps, named.apps);
  assert.throws(() => alter.parseConfig(SUPERVISORD, { format: 'ini' }), { code: 'EINVAL', field: 'format' });
});

test("readConfig and load with format: 'supervisord'", async (t) => {
  const file = path.join(tempDir(), 'programs.ini');
  fs.writeFileSync(file, SUPERVISORD);
  const parsed = await alter.readConfig(file, { format: 'supervisord' });
  assert.equal(parsed.apps[0].name, 'web');
  const m = manager(t);
  const result = await m.load(file, { format: 'supervisord' });
  assert.deepEqual(result.added, ['web']);
  await m.wait('web', 'running', 10000);
});
