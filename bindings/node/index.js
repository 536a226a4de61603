// SPDX-License-Identifier: MIT
// alter: an embeddable process supervisor (libalter) for Node.js. See README.md.
'use strict';

const { addon } = require('./lib/native');
const { Manager, App, FORMATS } = require('./lib/manager');
const { AlterError, invalid } = require('./lib/errors');
const conv = require('./lib/convert');

/** Check an app spec without adding it; returns the normalised spec (snake_case, defaults filled in). */
function validateSpec(spec) {
  const { json, names } = conv.toSpec(spec);
  try {
    return JSON.parse(addon.validateSpec(json));
  } catch (e) {
    throw conv.specError(e, names);
  }
}

function checkFormat(format) {
  if (FORMATS[format] === undefined) throw invalid(`format: expected one of ${Object.keys(FORMATS).join(', ')}`, 'format');
}

/** Parse an ecosystem file's text: { apps: [spec, ...], warnings: [...] }. */
function parseConfig(text, { format = 'auto', filename, baseDir } = {}) {
  if (typeof text !== 'string') throw invalid('text: expected a string', 'text');
  checkFormat(format);
  return JSON.parse(addon.configParse(text, FORMATS[format], filename ?? null, baseDir ?? null));
}

/** Read and parse an ecosystem file (off the JS thread). */
async function readConfig(path, { format = 'auto' } = {}) {
  if (typeof path !== 'string') throw invalid('path: expected a string', 'path');
  checkFormat(format);
  return JSON.parse(await addon.configRead(path, FORMATS[format]));
}

module.exports = {
  Manager,
  App,
  AlterError,
  STATES: Object.freeze([...conv.STATES]),
  version: () => addon.version(),
  validateSpec,
  parseConfig,
  readConfig,
};
