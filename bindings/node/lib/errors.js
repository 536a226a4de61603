// SPDX-License-Identifier: MIT
// AlterError: every failure of the binding, with libalter's code name, number and detail.
'use strict';

/** Numbers of the codes the JavaScript layer raises itself (libalter's table has them all). */
const ERRNO = {
  EINVAL: -22,
  ETIMEDOUT: -110,
  ECLOSED: -1005,
};

class AlterError extends Error {
  /**
   * @param {string} message
   * @param {{code?: string, errno?: number, field?: string, hint?: string, line?: number,
   *          column?: number, file?: string}} [detail]
   */
  constructor(message, detail = {}) {
    super(message);
    this.name = 'AlterError';
    this.code = detail.code || 'EUNKNOWN';
    this.errno = detail.errno !== undefined ? detail.errno : ERRNO[this.code];
    for (const key of ['field', 'hint', 'line', 'column', 'file']) {
      if (detail[key] !== undefined && detail[key] !== null) this[key] = detail[key];
    }
  }
}

/** Called by the addon: (rc, code name, message from alter_last_error, its JSON, strerror). */
function makeError(rc, code, message, detailJson, strerror) {
  let detail = {};
  if (detailJson) {
    try {
      detail = JSON.parse(detailJson);
    } catch {
      detail = {};
    }
  }
  // The per-thread detail belongs to this failure only if it names the same code.
  if (detail.code !== undefined && detail.code !== code) {
    detail = {};
    message = strerror || code;
  }
  return new AlterError(message || detail.message || strerror || code, {
    code,
    errno: rc,
    field: detail.field,
    hint: detail.hint,
    line: detail.line,
    column: detail.column,
    file: detail.file,
  });
}

function invalid(message, field, hint) {
  return new AlterError(message, { code: 'EINVAL', errno: ERRNO.EINVAL, field, hint });
}

module.exports = { AlterError, makeError, invalid, ERRNO };
