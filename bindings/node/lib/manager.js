// SPDX-License-Identifier: MIT
// Manager and App: the JavaScript face of one libalter context.
'use strict';

const { EventEmitter } = require('events');
const { addon } = require('./native');
const { AlterError, makeError, invalid, ERRNO } = require('./errors');
const conv = require('./convert');

addon.setup(makeError);

const ACTION = { remove: 0, start: 1, stop: 2, restart: 3, reset: 4, run: 5, enable: 6, disable: 7, clearLogs: 8 };
const QUERY = { get: 0, list: 1, spec: 2, runs: 3, logFiles: 4, metrics: 5, host: 6, logDates: 7 };
// ALTER_FORMAT_* of alter.h.
const FORMATS = { auto: 0, toml: 1, json: 2, yaml: 3, pm2: 4, procfile: 5, supervisord: 6 };
const ADD_START = 0x1;
const ADD_UPDATE = 0x2;
const LOG_REGEX = 0x1;
const LOG_ICASE = 0x2;

const OPTIONS = {
  logDir: 'string',
  statePath: 'string',
  autosaveMs: 'count',
  statsIntervalMs: 'count',
  logRingLines: 'count',
  queueSize: 'count',
  queueBytes: 'count',
  closeOnExit: 'boolean',
};

// Managers still open when the process exits (process.exit(), an uncaught exception, the end of
// the program while unref()'d) are closed there, synchronously: their children are stopped
// before node is gone. (N-API cleanup hooks run for workers, not on process.exit().)
const openManagers = new Set();
let exitHooked = false;
function closeAllAtExit() {
  for (const m of openManagers) m._closeAtExit();
}

function suggest(word, words) {
  const dist = (a, b) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    }
    return d[a.length][b.length];
  };
  let best;
  let bestD = 3;
  for (const w of words) {
    const dd = dist(word.toLowerCase(), w.toLowerCase());
    if (dd < bestD) {
      best = w;
      bestD = dd;
    }
  }
  return best === undefined ? undefined : `did you mean '${best}'?`;
}

function checkOptions(options) {
  if (options === undefined || options === null) return {};
  if (!conv.isPlainObject(options)) throw invalid('options must be an object', 'options');
  for (const [key, value] of Object.entries(options)) {
    const type = OPTIONS[key];
    if (type === undefined) throw invalid(`${key}: unknown option`, key, suggest(key, Object.keys(OPTIONS)));
    if (value === undefined || value === null) continue;
    if (type === 'string' && typeof value !== 'string') throw invalid(`${key}: expected a string`, key);
    if (type === 'boolean' && typeof value !== 'boolean') throw invalid(`${key}: expected a boolean`, key);
    if (type === 'count' && !(Number.isSafeInteger(value) && value >= 0)) {
      throw invalid(`${key}: expected a non-negative integer`, key);
    }
  }
  return options;
}

function checkName(value, what = 'name') {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(`${what}: expected a non-empty string, got ${value === null ? 'null' : typeof value}`, what);
  }
  return value;
}

function parseJson(text) {
  return JSON.parse(text);
}

function toProcess(p) {
  return conv.camelKeys(p);
}

function toEvent(json) {
  return conv.camelKeys(parseJson(json));
}

class App {
  /** @param {Manager} manager @param {string} name */
  constructor(manager, name) {
    this.manager = manager;
    this.name = name;
  }

  start() { return this.manager.start(this.name); }
  stop() { return this.manager.stop(this.name); }
  restart() { return this.manager.restart(this.name); }
  delete() { return this.manager.delete(this.name); }
  reset() { return this.manager.reset(this.name); }
  update(patch) { return this.manager.update(this.name, patch); }
  info() { return this.manager.get(this.name); }
  async processes() { return (await this.manager.get(this.name)).instances; }
  logs(query) { return this.manager.logs(this.name, query); }
  wait(states, timeoutMs) { return this.manager.wait(this.name, states, timeoutMs); }
}

class Manager extends EventEmitter {
  /**
   * @param {object} [options] logDir, statePath, autosaveMs, statsIntervalMs, logRingLines,
   *   queueSize, queueBytes, closeOnExit
   */
  constructor(options) {
    super();
    const opts = checkOptions(options);
    this._closed = false;
    this._closing = null;
    this._userRef = true;
    this._holds = 0;
    this._waiters = new Set();
    const nativeOpts = {};
    for (const key of Object.keys(OPTIONS)) {
      if (key !== 'closeOnExit' && opts[key] !== undefined && opts[key] !== null) nativeOpts[key] = opts[key];
    }
    this._native = new addon.NativeManager(nativeOpts, (batch, more) => this._dispatch(batch, more));
    // Log lines are copied out of the supervisor only while someone listens.
    this._onNewListener = (event) => {
      if (event === 'log' && !this._closed) this._native.setLogs(true);
    };
    this._onRemoveListener = (event) => {
      if (event === 'log' && this.listenerCount('log') === 0 && !this._closed) this._native.setLogs(false);
    };
    this._watchListeners();
    if (opts.closeOnExit !== false) {
      openManagers.add(this);
      if (!exitHooked) {
        process.on('exit', closeAllAtExit);
        exitHooked = true;
      }
    }
  }

  /** True once close() has finished. */
  get closed() { return this._closed; }

  // ---- apps ----------------------------------------------------------------------------------

  /**
   * start(spec): add an app and start it; resolves to its App. start(name): start an existing
   * app (or instance, "all", "ns:NAME").
   */
  async start(specOrName) {
    if (typeof specOrName === 'string') {
      await this._action(ACTION.start, specOrName);
      return new App(this, specOrName);
    }
    return this.add(specOrName, { start: true });
  }

  /** Add an app without starting it unless { start: true }; { update: true } updates one in place. */
  async add(spec, { start = false, update = false } = {}) {
    const { json, names } = conv.toSpec(spec);
    const name = typeof spec.name === 'string' ? spec.name : undefined;
    try {
      await this._call(() => this._native.add(json, (start ? ADD_START : 0) | (update ? ADD_UPDATE : 0)));
    } catch (e) {
      throw conv.specError(e, names);
    }
    return new App(this, name);
  }

  /** Merge `patch` (any spec fields; null resets one) into an app's spec. */
  async update(name, patch) {
    checkName(name);
    const { json, names } = conv.toSpec(patch, 'patch');
    try {
      return await this._call(() => this._native.update(name, json));
    } catch (e) {
      throw conv.specError(e, names);
    }
  }

  stop(target) { return this._action(ACTION.stop, target); }
  restart(target) { return this._action(ACTION.restart, target); }
  delete(target) { return this._action(ACTION.remove, target); }
  reset(target) { return this._action(ACTION.reset, target); }
  run(target) { return this._action(ACTION.run, target); }
  enable(target) { return this._action(ACTION.enable, target); }
  disable(target) { return this._action(ACTION.disable, target); }
  clearLogs(target) { return this._action(ACTION.clearLogs, target); }

  /** A handle on an app that already exists (no check is made). */
  app(name) { return new App(this, checkName(name)); }

  /** Every instance (of one namespace), as ProcessInfo objects. */
  async list(namespace) {
    if (namespace !== undefined && namespace !== null) checkName(namespace, 'namespace');
    const json = await this._call(() => this._native.query(QUERY.list, namespace ?? null));
    return parseJson(json).processes.map(toProcess);
  }

  /** One app (or target) with its instances. */
  async get(target) {
    const o = parseJson(await this._query(QUERY.get, target));
    return { ...conv.camelKeys(o), instances: o.instances.map(toProcess) };
  }

  /** The app's full spec (libalter's snake_case keys, defaults filled in). */
  async spec(name) { return parseJson(await this._query(QUERY.spec, name)); }
  async runs(target) { return parseJson(await this._query(QUERY.runs, target)).runs.map(conv.camelKeys); }
  async logFiles(target) { return parseJson(await this._query(QUERY.logFiles, target)).files; }
  async metrics() { return this._call(() => this._native.query(QUERY.metrics, null)); }
  async hostStats() { return conv.camelKeys(parseJson(await this._call(() => this._native.query(QUERY.host, null)))); }

  /**
   * Log lines from the files: { lines = 100, stream: 'out' | 'err' | 'all', grep, regex,
   * ignoreCase, date: 'YYYY-MM-DD' } -> [{ timeMs, stream, instance, text }], oldest first.
   */
  async logs(target, query = {}) {
    checkName(target);
    if (!conv.isPlainObject(query)) throw invalid('query must be an object', 'query');
    const known = ['lines', 'stream', 'grep', 'regex', 'ignoreCase', 'date'];
    for (const key of Object.keys(query)) {
      if (!known.includes(key)) throw invalid(`${key}: unknown log query field`, key, suggest(key, known));
    }
    const { lines = 100, stream = 'all', grep, regex = false, ignoreCase = false, date } = query;
    if (!(Number.isSafeInteger(lines) && lines > 0)) throw invalid('lines: expected a positive integer', 'lines');
    const streams = conv.STREAMS[stream];
    if (streams === undefined) throw invalid(`stream: expected 'out', 'err' or 'all' (got ${JSON.stringify(stream)})`, 'stream');
    if (grep !== undefined && typeof grep !== 'string') throw invalid('grep: expected a string', 'grep');
    if (date !== undefined && typeof date !== 'string') throw invalid("date: expected 'YYYY-MM-DD'", 'date');
    const flags = (regex ? LOG_REGEX : 0) | (ignoreCase ? LOG_ICASE : 0);
    const json = await this._call(() => this._native.logRead(target, streams, lines, flags, date ?? null, grep ?? null));
    return parseJson(json).lines.map(conv.camelKeys);
  }

  /**
   * The newest lines still in memory (no disk access; works without logDir):
   * { lines = 100, stream } -> [{ timeMs, stream, instance, text }], oldest first.
   */
  async recentLogs(target, { lines = 100, stream = 'all' } = {}) {
    checkName(target);
    if (!(Number.isSafeInteger(lines) && lines > 0)) throw invalid('lines: expected a positive integer', 'lines');
    const streams = conv.STREAMS[stream];
    if (streams === undefined) throw invalid(`stream: expected 'out', 'err' or 'all' (got ${JSON.stringify(stream)})`, 'stream');
    const json = await this._call(() => this._native.logRecent(target, lines, streams));
    return parseJson(json).lines.map(conv.camelKeys);
  }

  /**
   * Resolve once every instance of `target` (an app, an instance, "all" or "ns:NAME") has been
   * in one of `states` (a state name or a list) since the call: its state at the start, or the
   * `to` of any of its state events after it. Short-lived states count (`wait('c', 'crashed')`
   * returns even if the instance is already `waiting` for its restart). Resolves to the
   * instances as they are then (their status may have moved on); an empty target resolves to
   * []. ETIMEDOUT after timeoutMs (omit it to wait as long as it takes), ENOTFOUND for an
   * unknown target, ECLOSED when the manager closes. Driven by the event stream: no polling.
   */
  wait(target, states, timeoutMs) {
    return new Promise((resolve, reject) => {
      checkName(target);
      const list = Array.isArray(states) ? states : [states];
      if (list.length === 0 || !list.every((s) => conv.STATES.includes(s))) {
        throw invalid(`states: expected state names (${conv.STATES.join(', ')})`, 'states');
      }
      if (timeoutMs !== undefined && timeoutMs !== null && !(typeof timeoutMs === 'number' && timeoutMs >= 0)) {
        throw invalid('timeoutMs: expected a non-negative number', 'timeoutMs');
      }
      this._checkOpen();
      const wanted = new Set(list);
      const wide = target === 'all' || target.startsWith('ns:');
      const seen = new Set(); // instances whose state events went to a wanted state since the call
      let reached = null; // instance -> seen in a wanted state; null until the first snapshot
      let apps = new Set();
      let procs = []; // as the last snapshot saw them
      let last = '';
      let done = false;
      let reading = false; // the final read, once every instance got there
      let syncing = false;
      let again = false;
      let gone = null; // the target was removed: the error to give if its instances end elsewhere
      let timer = null;
      const finish = (err, value) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        this._waiters.delete(waiter);
        this._hold(-1);
        if (err) reject(err);
        else resolve(value);
      };
      const complete = () => reached !== null && [...reached.values()].every(Boolean);
      // Every instance got there: answer with the instances as they are now.
      const finalRead = () => {
        if (reading) return;
        reading = true;
        // Removed meanwhile (a stop, then a delete): it got there all the same.
        this._instancesOf(target).then((now) => finish(null, now),
          (e) => (e.code === 'ENOTFOUND' ? finish(null, procs) : finish(e)));
      };
      // The target was removed: done once every instance got there (a stop, then a delete: that
      // still counts) or, short of that, once the rest are stopped.
      const settleGone = () => {
        if (complete()) finish(null, procs);
        else if (procs.every((p) => reached.get(p.name) || p.status === 'stopped')) finish(gone);
      };
      // The target's instances now; merged with what the events showed meanwhile.
      const snapshot = async () => {
        if (reading) return;
        if (syncing) {
          again = true;
          return;
        }
        syncing = true;
        try {
          do {
            again = false;
            procs = await this._instancesOf(target);
            if (done) return;
            const next = new Map();
            for (const p of procs) {
              next.set(p.name, (reached !== null && reached.get(p.name)) || seen.has(p.name) || wanted.has(p.status));
            }
            reached = next;
            apps = new Set(procs.map((p) => p.app));
            last = procs.map((p) => `${p.name}: ${p.status}`).join(', ');
            if (complete()) {
              // Reached through events that came in while this read was on its way: the read
              // is older than them, so read again rather than answer with stale states.
              if (procs.every((p) => wanted.has(p.status))) finish(null, procs);
              else finalRead();
              return;
            }
          } while (again && !done);
        } catch (e) {
          if (e.code === 'ENOTFOUND' && reached !== null) {
            // Removed meanwhile: the instances we know still report their way to `stopped`
            // (a removal announces itself first); follow them there.
            gone = e;
            settleGone();
          } else finish(e);
        } finally {
          syncing = false;
        }
      };
      const waiter = {
        onEvent: (ev) => {
          if (ev.type === 'state') {
            if (gone !== null) {
              const p = procs.find((q) => q.name === ev.instance);
              if (p === undefined) return;
              p.status = ev.to;
              if (wanted.has(ev.to)) reached.set(ev.instance, true);
              settleGone();
              return;
            }
            if (!wanted.has(ev.to)) return;
            seen.add(ev.instance);
            if (reached === null || !reached.has(ev.instance)) return;
            reached.set(ev.instance, true);
            if (complete() && !syncing) finalRead();
          } else if (gone === null && (ev.type === 'added' || ev.type === 'updated' || ev.type === 'removed')) {
            // The set of instances may have changed.
            if (wide || apps.has(ev.app) || ev.app === target) snapshot();
          }
        },
        resync: () => snapshot(), // records were dropped: a transition may have been missed
        fail: (err) => finish(err),
      };
      this._waiters.add(waiter);
      this._hold(1);
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          const want = list.join(' or ');
          finish(new AlterError(`timed out waiting for '${target}' to be ${want}${last ? ` (${last})` : ''}`, {
            code: 'ETIMEDOUT',
            errno: ERRNO.ETIMEDOUT,
          }));
        }, timeoutMs);
      }
      snapshot();
    });
  }

  // ---- ecosystem files and state ------------------------------------------------------------

  /**
   * Apply an ecosystem file (alter TOML/JSON/YAML, PM2, Procfile, supervisord): add new apps and
   * start them, update changed ones. Resolves to { added, updated, unchanged, warnings }.
   */
  async load(path, { format = 'auto' } = {}) {
    checkName(path, 'path');
    if (FORMATS[format] === undefined) throw invalid(`format: expected one of ${Object.keys(FORMATS).join(', ')}`, 'format');
    this._checkOpen();
    const parsed = parseJson(await addon.configRead(path, FORMATS[format]));
    const result = parseJson(await this._call(() => this._native.configApply(JSON.stringify({ apps: parsed.apps }))));
    return { ...result, warnings: parsed.warnings };
  }

  /** Write every app and its desired state to `path` (default: options.statePath). */
  saveState(path) { return this._call(() => this._native.state(true, path ?? null)); }
  /** Restore apps from `path` (default: options.statePath); resolves to the number of apps. */
  loadState(path) { return this._call(() => this._native.state(false, path ?? null)); }

  // ---- lifetime ------------------------------------------------------------------------------

  /**
   * Stop every child (stop signal, SIGKILL after its kill timeout), deliver the last events and
   * release everything. No listener is called after the promise resolves. Idempotent.
   */
  close() {
    if (this._closing) return this._closing;
    for (const w of this._waiters) {
      w.fail(new AlterError('the manager was closed', { code: 'ECLOSED', errno: ERRNO.ECLOSED }));
    }
    // Stays in openManagers until done: an exit meanwhile waits for the children to be stopped.
    this._closing = this._native.close().then(() => {
      this._closed = true;
      openManagers.delete(this);
      this._native.setLogs(false);
    });
    return this._closing;
  }

  /** Let the process exit while this manager is open (its children are then stopped at exit). */
  unref() {
    this._userRef = false;
    this._applyRef();
    return this;
  }

  /** Undo unref(): an open manager keeps the process alive (the default). */
  ref() {
    this._userRef = true;
    this._applyRef();
    return this;
  }

  removeAllListeners(event) {
    super.removeAllListeners(event);
    this._watchListeners(); // our own newListener/removeListener hooks may have gone too
    return this;
  }

  // ---- internals -----------------------------------------------------------------------------

  _watchListeners() {
    if (!this.listeners('newListener').includes(this._onNewListener)) this.on('newListener', this._onNewListener);
    if (!this.listeners('removeListener').includes(this._onRemoveListener)) this.on('removeListener', this._onRemoveListener);
    if (!this._closed) this._native.setLogs(this.listenerCount('log') > 0);
  }

  _checkOpen() {
    if (this._closing) throw new AlterError('the manager is closed', { code: 'ECLOSED', errno: ERRNO.ECLOSED });
  }

  async _call(fn) {
    this._checkOpen();
    return fn();
  }

  _action(kind, target) {
    return this._call(() => this._native.action(kind, checkName(target)));
  }

  /** The instances a target names: an app, an instance, "all" or "ns:NAME". */
  async _instancesOf(target) {
    if (target === 'all') return this.list();
    if (target.startsWith('ns:')) return this.list(target.slice(3));
    return (await this.get(target)).instances;
  }

  _query(kind, target) {
    return this._call(() => this._native.query(kind, checkName(target)));
  }

  _hold(delta) {
    this._holds += delta;
    this._applyRef();
  }

  _applyRef() {
    if (this._closing) return;
    if (this._userRef || this._holds > 0) this._native.ref();
    else this._native.unref();
  }

  _closeAtExit() {
    openManagers.delete(this);
    this._closed = true;
    this._native.closeSync();
  }

  /**
   * Records from the addon: event JSON (string), log/diagnostic objects, dropped counts. With
   * `more`, the rest waits for the next turn of the event loop (setImmediate -> drain()).
   */
  _dispatch(batch, more) {
    if (this._closed) return;
    if (more) setImmediate(() => this._native.drain());
    for (const rec of batch) {
      try {
        if (typeof rec === 'string') {
          const ev = toEvent(rec);
          // Waiters first: a listener that throws must not make them miss a transition.
          if (ev.type !== 'stats') for (const w of this._waiters) w.onEvent(ev);
          this.emit('event', ev);
          if (ev.type === 'state') {
            this.emit('state', ev);
            for (const kind of conv.kindsOf(ev)) this.emit(kind, ev);
          } else {
            this.emit(ev.type, ev);
          }
        } else if (typeof rec === 'number') {
          for (const w of this._waiters) w.resync();
          this.emit('dropped', { type: 'dropped', lost: rec });
        } else if (rec.type === 'log') {
          this.emit('log', rec);
        } else if (rec.type === 'diagnostic') {
          this.emit('diagnostic', rec);
        }
      } catch (err) {
        // A listener threw: report it like any EventEmitter listener would, after this batch.
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }
}

module.exports = { Manager, App, FORMATS };
