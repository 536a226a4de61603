// SPDX-License-Identifier: MIT
// Between JavaScript's camelCase objects and libalter's snake_case JSON.
'use strict';

const { AlterError, invalid } = require('./errors');

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const snake = (s) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

/** Shallow: {uptime_ms: 1} -> {uptimeMs: 1}. Values (env, args, spec) are left as they are. */
function camelKeys(obj) {
  const out = {};
  for (const key of Object.keys(obj)) out[camel(key)] = obj[key];
  return out;
}

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * An app spec in JavaScript form -> { json, names } where names maps libalter's keys back to the
 * keys the caller wrote (for error messages). `cmd: [program, ...args]` is the short form of
 * `command` + `args`; snake_case keys are accepted as well.
 */
function toSpec(spec, what = 'spec') {
  if (!isPlainObject(spec)) throw invalid(`${what} must be an object`, what, "e.g. { name: 'web', cmd: ['node', 'server.js'] }");
  const out = {};
  const names = {};
  const put = (key, value, from) => {
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      throw invalid(`${from}: ${names[key]} and ${from} give the same field`, from, `keep one of '${names[key]}' and '${from}'`);
    }
    out[key] = value;
    names[key] = from;
  };
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    if (key === 'cmd') {
      if (typeof value === 'string' && value.length > 0) {
        put('command', value, 'cmd');
      } else if (Array.isArray(value) && value.length > 0 && value.every((s) => typeof s === 'string')) {
        put('command', value[0], 'cmd');
        put('args', value.slice(1), 'cmd');
      } else {
        throw invalid('cmd: expected a non-empty array of strings', 'cmd', "e.g. cmd: ['node', 'server.js']");
      }
      continue;
    }
    put(snake(key), value, key);
  }
  let json;
  try {
    json = JSON.stringify(out);
  } catch (e) {
    throw invalid(`${what}: cannot be converted to JSON (${e.message})`, what);
  }
  return { json, names };
}

/**
 * Rewrite a spec error from libalter in the caller's terms: the field as they wrote it, no
 * line/column (they point into JSON the binding generated), camelCase names in the hint when
 * the caller used camelCase.
 */
function specError(err, names) {
  if (!(err instanceof AlterError) || !err.field) return err;
  const head = err.field.split(/[.[]/)[0];
  const rest = err.field.slice(head.length);
  // A missing command is asked for as `cmd`, the binding's usual spelling.
  const original = names[head] !== undefined ? names[head] : head === 'command' ? 'cmd' : head;
  const usesCamel = Object.values(names).some((k) => /[A-Z]/.test(k));
  const field = original + rest;
  let message = err.message.replace(/^line \d+, column \d+: /, '');
  if (message.startsWith(err.field + ':')) message = field + message.slice(err.field.length);
  let hint = err.hint;
  if (usesCamel) {
    const toCamel = (text) => text.replace(/'([a-z0-9]+(?:_[a-z0-9]+)+)'/g, (_, s) => `'${camel(s)}'`);
    if (hint !== undefined) hint = toCamel(hint);
    message = toCamel(message);
  }
  const out = new AlterError(message, { code: err.code, errno: err.errno, field, hint });
  return out;
}

const STATES = ['stopped', 'starting', 'running', 'stopping', 'exited', 'crashed', 'waiting', 'errored', 'disabled'];

const STREAMS = { out: 1, stdout: 1, err: 2, stderr: 2, both: 3, all: 3 };

/** The per-kind event names of a state event (see README: Events). */
function kindsOf(ev) {
  const kinds = [];
  switch (ev.to) {
    case 'running': kinds.push('start'); break;
    case 'stopped': kinds.push('stop'); break;
    case 'exited': kinds.push('exit'); break;
    case 'crashed': kinds.push('crash'); break;
    case 'errored': kinds.push('errored'); break;
    case 'waiting':
      if (ev.reason === 'backoff') kinds.push('backoff');
      break;
    case 'starting':
      if (ev.from === 'stopping' || ev.from === 'crashed' || ev.from === 'exited' ||
          (ev.from === 'waiting' && ev.reason === 'backoff over')) kinds.push('restart');
      break;
    default: break;
  }
  return kinds;
}

module.exports = { camel, snake, camelKeys, isPlainObject, toSpec, specError, STATES, STREAMS, kindsOf };
