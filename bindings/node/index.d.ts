// SPDX-License-Identifier: MIT
// Type declarations for the 'alter' package (the Node binding of libalter).

import { EventEmitter } from 'events';

/** Instance states (libalter's alter_state). */
export type State =
  | 'stopped'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'exited'
  | 'crashed'
  | 'waiting'
  | 'errored'
  | 'disabled';

export const STATES: readonly State[];

/** libalter's error names (alter_err_name). */
export type ErrorCode =
  | 'EPERM' | 'ENOENT' | 'EAGAIN' | 'ENOMEM' | 'EACCES' | 'EBUSY' | 'EEXIST' | 'EINVAL' | 'ENOSPC'
  | 'ERANGE' | 'ETIMEDOUT' | 'ECANCELED' | 'ENOTFOUND' | 'ESPEC' | 'EPARSE' | 'ESTATE' | 'ECYCLE'
  | 'ECLOSED' | 'ELIMIT' | 'EINTERNAL' | 'EUNKNOWN';

/** Every failure of the binding: a rejected Promise (or a throw from a synchronous call). */
export class AlterError extends Error {
  name: 'AlterError';
  /** 'ENOTFOUND', 'ESPEC', 'EEXIST', 'EINVAL', ... */
  code: ErrorCode;
  /** The negative number of the code (-1000 for ENOTFOUND, -17 for EEXIST, ...). */
  errno: number;
  /** The spec field (or argument) that is wrong, as you wrote it: 'restrat', 'cmd', 'instances'. */
  field?: string;
  /** A way out: "did you mean 'restart'?". */
  hint?: string;
  /** For ecosystem files: position of the error. */
  file?: string;
  line?: number;
  column?: number;
  constructor(message: string, detail?: Partial<Pick<AlterError, 'code' | 'errno' | 'field' | 'hint' | 'file' | 'line' | 'column'>>);
}

export interface ManagerOptions {
  /** Root of logs/<instance>/{out,err}.log. Without it no files are written: logs() finds nothing (recentLogs() and 'log' events still work). */
  logDir?: string;
  /** State file for saveState()/loadState() without a path. */
  statePath?: string;
  /** > 0: save statePath this long after any change. */
  autosaveMs?: number;
  /** > 0: sample CPU/memory of every instance on this period ('stats' events). */
  statsIntervalMs?: number;
  /** Recent lines kept in memory per instance (default 1000). */
  logRingLines?: number;
  /** Records queued for the JS thread before dropping, for log lines and for events each (default 10000). */
  queueSize?: number;
  /** Bytes queued for the JS thread before dropping, for log lines and for events each (default 32 MiB). */
  queueBytes?: number;
  /** Stop the children synchronously on process 'exit' if still open (default true). */
  closeOnExit?: boolean;
}

/**
 * An app spec (docs/CONFIG.md). Keys may be camelCase or snake_case. `cmd` is the short form of
 * `command` + `args`: ['node', 'server.js'] (no shell; use ['sh', '-c', '...'] for one).
 */
export interface AppSpec {
  name: string;
  cmd?: string | string[];
  command?: string;
  args?: string[] | string;
  cwd?: string;
  env?: Record<string, string | number | boolean>;
  envFile?: string;
  namespace?: string;
  instances?: number;
  type?: 'daemon' | 'once' | 'cron';
  restart?: 'always' | 'on-failure' | 'never' | boolean;
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  backoffMultiplier?: number;
  minUptimeMs?: number;
  maxRestarts?: number;
  restartWindowMs?: number;
  stopSignal?: string | number;
  killTimeoutMs?: number;
  enabled?: boolean;
  user?: string;
  group?: string;
  logMaxSize?: number | string;
  logMaxFiles?: number;
  logRetainDays?: number;
  watch?: boolean | string | string[];
  watchIgnore?: string | string[];
  watchInclude?: string | string[];
  watchDebounceMs?: number;
  cron?: string;
  overlap?: 'skip' | 'allow' | 'replace';
  deps?: string[];
  [field: string]: unknown;
}

/** One instance, as list() and get() give it. */
export interface ProcessInfo {
  /** Instance name: the app's name, or name-0, name-1, ... */
  name: string;
  app: string;
  /** Index of the instance within its app. */
  instance: number;
  namespace: string;
  status: State;
  /** 0 when not running. */
  pid: number;
  restarts: number;
  uptimeMs: number;
  exitCode: number | null;
  /** 'SIGTERM', ... of the last exit. */
  signal: string | null;
  cpuPercent: number;
  memoryBytes: number;
  startedAt: number;
  exitedAt: number;
  type: 'daemon' | 'once' | 'cron';
  enabled: boolean;
  command: string;
  args: string[];
  cwd: string;
  restart: 'always' | 'on-failure' | 'never';
  watch: boolean;
  cron?: string;
  nextRun: number | null;
  lastRun: number | null;
  /** In state 'waiting': the backoff left. */
  restartInMs?: number;
  /** Why it is errored (spawn failure, too many restarts). */
  error?: string;
}

export interface AppInfo {
  name: string;
  app: string;
  namespace: string;
  /** The full spec, libalter's snake_case keys. */
  spec: Record<string, unknown>;
  desired: 'running' | 'stopped';
  instances: ProcessInfo[];
}

/** A state change of one instance. */
export interface StateEvent {
  type: 'state';
  timeMs: number;
  app: string;
  instance: string;
  namespace: string;
  from: State;
  to: State;
  pid: number;
  restarts: number;
  /** 'start', 'stop', 'crash', 'backoff', 'backoff over', 'restart', 'shutdown', ... */
  reason: string;
  exitCode?: number;
  signal?: string;
  /** Entering 'waiting' after a crash: the backoff delay. */
  delayMs?: number;
  error?: string;
  nextRun?: number;
  lastRun?: number;
}

/** An app was added, updated or removed. */
export interface AppEvent {
  type: 'added' | 'updated' | 'removed';
  timeMs: number;
  app: string;
  namespace: string;
  reason: string;
}

export interface StatsEvent {
  type: 'stats';
  timeMs: number;
  app: string;
  instance: string;
  cpuPercent: number;
  memoryBytes: number;
}

export type AlterEvent = StateEvent | AppEvent | StatsEvent;

/** A live log line (the 'log' event). */
export interface LogLine {
  type: 'log';
  timeMs: number;
  app: string;
  instance: string;
  stream: 'out' | 'err' | 'system';
  text: string;
}

/** A line read back from the log files (logs()). */
export interface LogEntry {
  timeMs: number;
  instance: string;
  stream: 'out' | 'err';
  text: string;
}

export interface LogQuery {
  /** The newest N matching lines (default 100). */
  lines?: number;
  stream?: 'out' | 'err' | 'all';
  /** Substring (or, with regex, a POSIX extended regular expression). */
  grep?: string;
  regex?: boolean;
  ignoreCase?: boolean;
  /** 'YYYY-MM-DD': that day's archive instead of the current files. */
  date?: string;
}

/** Records the JS thread could not take in time (the supervisor never waits for it). */
export interface DroppedNotice {
  type: 'dropped';
  lost: number;
}

export interface Diagnostic {
  type: 'diagnostic';
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface ManagerEvents {
  event: [AlterEvent];
  state: [StateEvent];
  /** -> running */
  start: [StateEvent];
  /** -> stopped */
  stop: [StateEvent];
  /** -> exited (code 0, not restarted) */
  exit: [StateEvent];
  /** -> crashed */
  crash: [StateEvent];
  /** -> waiting after a crash (delayMs) */
  backoff: [StateEvent];
  /** -> starting again (after a backoff, a crash, a clean exit with restart: always, or restart()) */
  restart: [StateEvent];
  /** -> errored (gave up, or could not spawn) */
  errored: [StateEvent];
  added: [AppEvent];
  updated: [AppEvent];
  removed: [AppEvent];
  stats: [StatsEvent];
  log: [LogLine];
  dropped: [DroppedNotice];
  diagnostic: [Diagnostic];
}

/** A handle on one app of a Manager. */
export class App {
  readonly manager: Manager;
  readonly name: string;
  start(): Promise<App>;
  stop(): Promise<number>;
  restart(): Promise<number>;
  delete(): Promise<number>;
  reset(): Promise<number>;
  update(patch: Partial<AppSpec>): Promise<number>;
  info(): Promise<AppInfo>;
  processes(): Promise<ProcessInfo[]>;
  logs(query?: LogQuery): Promise<LogEntry[]>;
  wait(states: State | State[], timeoutMs?: number): Promise<ProcessInfo[]>;
}

export interface ApplyResult {
  added: string[];
  updated: string[];
  unchanged: string[];
  warnings: string[];
}

export type ConfigFormat = 'auto' | 'toml' | 'json' | 'yaml' | 'pm2' | 'procfile' | 'supervisord';

/**
 * One libalter context: supervises apps in this process. Actions return Promises (the C calls
 * run off the JS thread); events arrive on the JS thread. An open manager keeps the process
 * alive (see unref()); close() stops every child.
 *
 * A `target` is an app name, an instance name (web-1), "all", or "ns:NAMESPACE".
 */
export class Manager extends EventEmitter {
  constructor(options?: ManagerOptions);
  /** True once close() has finished. */
  readonly closed: boolean;

  /** Add an app and start it. Rejects with EEXIST if the name is taken, ESPEC if the spec is wrong. */
  start(spec: AppSpec): Promise<App>;
  /** Start an existing app (or target). */
  start(target: string): Promise<App>;
  /** Add an app; started only with { start: true }; { update: true } updates an existing one. */
  add(spec: AppSpec, options?: { start?: boolean; update?: boolean }): Promise<App>;
  /** Merge fields into an app's spec (null resets one); a running app restarts if needed. */
  update(name: string, patch: Partial<AppSpec>): Promise<number>;
  /** The stop signal to the process group, SIGKILL after killTimeoutMs. Resolves to the instances affected. */
  stop(target: string): Promise<number>;
  restart(target: string): Promise<number>;
  /** Stop and remove (log files are kept). */
  delete(target: string): Promise<number>;
  /** Zero the restart counters and leave 'errored'. */
  reset(target: string): Promise<number>;
  /** Run a cron or once app now. */
  run(target: string): Promise<number>;
  enable(target: string): Promise<number>;
  disable(target: string): Promise<number>;
  clearLogs(target: string): Promise<number>;
  /** A handle on an existing app (not checked). */
  app(name: string): App;

  list(namespace?: string): Promise<ProcessInfo[]>;
  get(target: string): Promise<AppInfo>;
  spec(name: string): Promise<Record<string, unknown>>;
  runs(target: string): Promise<Array<Record<string, unknown>>>;
  logFiles(target: string): Promise<Array<{ instance: string; stream: 'out' | 'err'; path: string }>>;
  /** Prometheus text exposition of every instance. */
  metrics(): Promise<string>;
  hostStats(): Promise<Record<string, number>>;
  logs(target: string, query?: LogQuery): Promise<LogEntry[]>;
  /** The newest lines still in memory (no disk access; works without logDir). */
  recentLogs(target: string, query?: { lines?: number; stream?: 'out' | 'err' | 'all' }): Promise<LogEntry[]>;
  /**
   * Resolve once every instance of target has been in one of `states` since the call (its state
   * at the start, or the `to` of a later state event: short-lived states such as 'crashed'
   * count), with the instances as they are then. Reject ETIMEDOUT after timeoutMs (omitted: no
   * deadline), ENOTFOUND for an unknown target, ECLOSED when the manager is closed meanwhile.
   */
  wait(target: string, states: State | State[], timeoutMs?: number): Promise<ProcessInfo[]>;

  /** Apply an ecosystem file (alter TOML/JSON/YAML, PM2, Procfile, supervisord). */
  load(path: string, options?: { format?: ConfigFormat }): Promise<ApplyResult>;
  saveState(path?: string): Promise<number>;
  loadState(path?: string): Promise<number>;

  /**
   * Stop every child, deliver the last events, release everything. No listener is called after
   * it resolves. Idempotent (the same Promise).
   */
  close(): Promise<void>;
  /** Let the process exit while open: the children are stopped at exit. */
  unref(): this;
  /** An open manager keeps the process alive (the default). */
  ref(): this;

  on<K extends keyof ManagerEvents>(event: K, listener: (...args: ManagerEvents[K]) => void): this;
  once<K extends keyof ManagerEvents>(event: K, listener: (...args: ManagerEvents[K]) => void): this;
  off<K extends keyof ManagerEvents>(event: K, listener: (...args: ManagerEvents[K]) => void): this;
  addListener<K extends keyof ManagerEvents>(event: K, listener: (...args: ManagerEvents[K]) => void): this;
  removeListener<K extends keyof ManagerEvents>(event: K, listener: (...args: ManagerEvents[K]) => void): this;
  emit<K extends keyof ManagerEvents>(event: K, ...args: ManagerEvents[K]): boolean;
}

/** libalter's version, "MAJOR.MINOR.PATCH". */
export function version(): string;
/** Check a spec without adding it; returns it normalised (snake_case, defaults filled in). Throws AlterError. */
export function validateSpec(spec: AppSpec): Record<string, unknown>;
/** Parse an ecosystem file's text. Throws AlterError (EPARSE / ESPEC with file, line, column, field, hint). */
export function parseConfig(
  text: string,
  options?: { format?: ConfigFormat; filename?: string; baseDir?: string },
): { apps: Array<Record<string, unknown>>; warnings: string[] };
/** Read and parse an ecosystem file (off the JS thread). */
export function readConfig(
  path: string,
  options?: { format?: ConfigFormat },
): Promise<{ apps: Array<Record<string, unknown>>; warnings: string[] }>;
