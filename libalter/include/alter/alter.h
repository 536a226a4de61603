/* SPDX-License-Identifier: MIT */
/*
 * alter.h: the stable C ABI of libalter, an embeddable process supervisor.
 *
 * Contract (read this once):
 *  - Every function returns an int: >= 0 is success (it may carry a count), < 0 is an error
 *    code: either -errno (for example -ENOENT when a command does not exist) or one of the
 *    ALTER_E* codes below. alter_strerror() and alter_err_name() describe any code.
 *    After a failure, alter_last_error() gives a human message with detail (which field, which
 *    line) and alter_last_error_json() the same as JSON; both are per thread and stay valid
 *    until the next failing call on that thread.
 *  - Handles are opaque. alter_x_new(..., &ret) writes *ret only on success; alter_x_free(NULL)
 *    is a no-op. Strings passed in are borrowed for the duration of the call. Strings returned
 *    through a `char **ret_json` are owned by the caller: release them with alter_free().
 *  - Complex data crosses as JSON text (UTF-8): app specs, status snapshots, events, log lines.
 *    docs/EMBEDDING.md and docs/CONFIG.md describe the shapes.
 *  - Threading: a context owns one event loop on one thread (its own thread, or the caller's
 *    with ALTER_CONTEXT_CALLER_THREAD). Every function taking a context is thread-safe unless
 *    it says "loop thread only": called from another thread it is carried out on the loop
 *    thread and the caller waits for the answer. Callbacks run on the loop thread; they must
 *    not block (use an alter_sub_t to consume events from another thread at your own pace).
 *  - Option structs start with `uint32_t struct_size`; initialise them with the _INIT macro so
 *    that a program built against an older, smaller struct keeps working.
 *  - The library never prints, installs no signal handlers and uses no global state. It never
 *    reaps children that are not its own unless ALTER_CONTEXT_REAP_ALL is set.
 *
 * This header is C99 and includes no libuv type.
 */
#ifndef ALTER_ALTER_H
#define ALTER_ALTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ALTER_BUILDING_LIBRARY)
#define ALTER_API __attribute__((visibility("default")))
#else
#define ALTER_API
#endif

#define ALTER_VERSION_MAJOR 0
#define ALTER_VERSION_MINOR 1
#define ALTER_VERSION_PATCH 0

/** The library's version as "MAJOR.MINOR.PATCH". */
ALTER_API const char *alter_version(void);

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* X(NAME, value, message): one table generates the enum, alter_strerror and alter_err_name. */
#define ALTER_ERROR_TABLE(X)                                                                   \
    X(EPERM, -1, "operation not permitted")                                                    \
    X(ENOENT, -2, "no such file or directory")                                                 \
    X(EAGAIN, -11, "resource temporarily unavailable")                                         \
    X(ENOMEM, -12, "out of memory")                                                            \
    X(EACCES, -13, "permission denied")                                                        \
    X(EBUSY, -16, "resource busy")                                                             \
    X(EEXIST, -17, "already exists")                                                           \
    X(EINVAL, -22, "invalid argument")                                                         \
    X(ENOSPC, -28, "no space left on device")                                                  \
    X(ERANGE, -34, "value out of range")                                                       \
    X(ETIMEDOUT, -110, "timed out")                                                            \
    X(ECANCELED, -125, "operation canceled")                                                   \
    X(ENOTFOUND, -1000, "no such app")                                                         \
    X(ESPEC, -1001, "invalid app spec")                                                        \
    X(EPARSE, -1002, "parse error")                                                            \
    X(ESTATE, -1003, "not possible in the current state")                                      \
    X(ECYCLE, -1004, "dependency cycle")                                                       \
    X(ECLOSED, -1005, "closed")                                                                \
    X(ELIMIT, -1006, "limit reached")                                                          \
    X(EINTERNAL, -1007, "internal error")

enum alter_error {
#define ALTER_X_ENUM(name, value, msg) ALTER_##name = (value),
    ALTER_OK = 0,
    ALTER_ERROR_TABLE(ALTER_X_ENUM)
#undef ALTER_X_ENUM
};

/** A static description of any code (alter or -errno). Never NULL. */
ALTER_API const char *alter_strerror(int err);
/** The symbolic name ("ENOTFOUND", "ENOENT", ...). Never NULL; "EUNKNOWN" if unknown. */
ALTER_API const char *alter_err_name(int err);
/** Detail of the last failed call on this thread (message with field / position). Never NULL. */
ALTER_API const char *alter_last_error(void);
/**
 * The same as JSON: {"code":"ESPEC","message":"...","field":"apps[1].restart","line":4,
 * "column":11,"file":"alter.toml","hint":"did you mean 'restart'?"}; absent parts are left out.
 */
ALTER_API const char *alter_last_error_json(void);

/** Release a string returned by the library. NULL is fine. */
ALTER_API void alter_free(void *p);

/* ------------------------------------------------------------------------------------------ */
/* Instance states, streams                                                                   */
/* ------------------------------------------------------------------------------------------ */

enum alter_state {
    ALTER_STATE_STOPPED = 0,  /* not running; stopped by the user (or never started) */
    ALTER_STATE_STARTING = 1, /* waiting for dependencies or being spawned */
    ALTER_STATE_RUNNING = 2,
    ALTER_STATE_STOPPING = 3, /* stop signal sent, waiting for the group to exit */
    ALTER_STATE_EXITED = 4,   /* ended on its own with code 0 and is not restarted */
    ALTER_STATE_CRASHED = 5,  /* ended abnormally (non-zero code or signal) */
    ALTER_STATE_WAITING = 6,  /* backoff delay before the next start, or next cron fire */
    ALTER_STATE_ERRORED = 7,  /* gave up (too many restarts) or could not be spawned */
    ALTER_STATE_DISABLED = 8  /* disabled: never started until enabled again */
};
#define ALTER_STATE_COUNT 9

/** "stopped", "starting", ... Never NULL ("unknown" out of range). */
ALTER_API const char *alter_state_name(int state);

enum alter_stream { ALTER_STREAM_OUT = 1, ALTER_STREAM_ERR = 2, ALTER_STREAM_SYSTEM = 4 };

/* ------------------------------------------------------------------------------------------ */
/* Context                                                                                    */
/* ------------------------------------------------------------------------------------------ */

typedef struct alter_context alter_context_t;

/** Diagnostic records (the library never prints). level: 0 debug, 1 info, 2 warn, 3 error. */
typedef void (*alter_record_cb)(int level, const char *message, void *userdata);

/* Context flags */
/** Do not start a thread: the caller runs the loop with alter_context_run(). */
#define ALTER_CONTEXT_CALLER_THREAD 0x1u
/**
 * The process is (or will be made) a child subreaper and the library reaps every child,
 * including re-parented grandchildren. The program then calls alter_context_reap() from its
 * SIGCHLD handling. Without it only the library's own children are ever waited for.
 */
#define ALTER_CONTEXT_REAP_ALL 0x2u

typedef struct alter_context_options {
    uint32_t struct_size;
    uint32_t flags;               /* ALTER_CONTEXT_* */
    const char *log_dir;          /* root of logs/<instance>/{out,err}.log; NULL: no log files */
    const char *state_path;       /* state file for alter_state_save/load(NULL); NULL: none */
    int64_t autosave_ms;          /* > 0: save state_path this long after any change */
    int64_t stats_interval_ms;    /* > 0: sample CPU/memory of every instance on this period */
    uint32_t log_ring_lines;      /* recent lines kept in memory per instance (0: 1000) */
    uint32_t reserved0;
    alter_record_cb on_record;    /* may be NULL */
    void *record_userdata;
    /* > 0: the children's soft RLIMIT_NOFILE (at most the hard limit). For a supervisor that
     * raised its own limit to hold many children's pipes: its children still get the limit it
     * started with. 0: children inherit the process's limits. */
    uint64_t child_nofile_soft;
} alter_context_options_t;

#define ALTER_CONTEXT_OPTIONS_INIT                                                             \
    { sizeof(alter_context_options_t), 0u, NULL, NULL, 0, 0, 0u, 0u, NULL, NULL, 0u }

/** Create a context. With its own thread the loop runs at once. */
ALTER_API int alter_context_new(const alter_context_options_t *opts, alter_context_t **ret);
/**
 * Stop every instance (stop signal, then SIGKILL after its kill timeout), wait for them, save
 * state when autosave is on, end the loop, join its thread and free everything. NULL is fine.
 * Must not be called from a callback.
 */
ALTER_API void alter_context_free(alter_context_t *ctx);
/**
 * ALTER_CONTEXT_CALLER_THREAD only: run the loop on this thread until alter_context_shutdown()
 * has finished. Returns 0, or ALTER_ESTATE if the context has its own thread.
 */
ALTER_API int alter_context_run(alter_context_t *ctx);
/**
 * Thread-safe, returns at once: stop every instance gracefully, then end the loop (which makes
 * alter_context_run() return). `done` (may be NULL) runs on the loop thread at the end.
 */
ALTER_API int alter_context_shutdown(alter_context_t *ctx, void (*done)(void *), void *userdata);
/** Thread-safe: run fn(userdata) on the loop thread soon. Returns ALTER_ECLOSED after shutdown. */
ALTER_API int alter_context_post(alter_context_t *ctx, void (*fn)(void *), void *userdata);
/** Thread-safe: 1 if the caller is on the context's loop thread, else 0. */
ALTER_API int alter_context_on_loop(alter_context_t *ctx);
/**
 * Loop thread only: the context's uv_loop_t *, for a program that links libuv itself and wants
 * its own handles (sockets, timers, signals) on the same loop. The library's handles on it are
 * its own; never close or walk them.
 */
ALTER_API void *alter_context_loop(alter_context_t *ctx);
/** Thread-safe: reap exited children (ALTER_CONTEXT_REAP_ALL). Call on SIGCHLD. */
ALTER_API int alter_context_reap(alter_context_t *ctx);

/* ------------------------------------------------------------------------------------------ */
/* Apps                                                                                       */
/* ------------------------------------------------------------------------------------------ */
/*
 * An app is a spec (JSON, docs/CONFIG.md) and 1..N instances named `name` (one instance) or
 * `name-0` ... `name-N-1`. A `target` names an app, one instance, "all", "ns:NAMESPACE", or a
 * comma-separated list of apps and instances ("api,worker-1"). Stopping or removing several apps
 * goes in dependency layers (dependents first). Actions return the number of instances they
 * affected (>= 0).
 */

#define ALTER_ADD_START 0x1u  /* start the app after adding it (if enabled) */
#define ALTER_ADD_UPDATE 0x2u /* an app of that name is updated in place instead of EEXIST */

/** Add an app from its spec (JSON object). ALTER_ESPEC with detail if the spec is invalid. */
ALTER_API int alter_app_add(alter_context_t *ctx, const char *spec_json, uint32_t flags);
/**
 * Merge `patch_json` (an object with any subset of spec fields; null resets a field to its
 * default) into the app's spec. Fields not given keep their value. A running app is restarted
 * when a field that affects the process changed.
 */
ALTER_API int alter_app_update(alter_context_t *ctx, const char *name, const char *patch_json);
/** Stop and remove. Log files are kept. */
ALTER_API int alter_app_remove(alter_context_t *ctx, const char *target);
ALTER_API int alter_app_start(alter_context_t *ctx, const char *target);
/** A stop by the user is never undone by autorestart. */
ALTER_API int alter_app_stop(alter_context_t *ctx, const char *target);
ALTER_API int alter_app_restart(alter_context_t *ctx, const char *target);
/** Zero the restart counters and leave ERRORED (to STOPPED). */
ALTER_API int alter_app_reset(alter_context_t *ctx, const char *target);
/** Disabled apps are stopped and never started until enabled again. */
ALTER_API int alter_app_enable(alter_context_t *ctx, const char *target, int enabled);
/** Run a cron or once app now (overlap policy applies). */
ALTER_API int alter_app_run(alter_context_t *ctx, const char *target);
/** Status of one app (or one instance) and its instances as JSON; "all" and "ns:" targets are
 * refused with ALTER_EINVAL (use alter_app_list). */
ALTER_API int alter_app_get(alter_context_t *ctx, const char *target, char **ret_json);
/** {"processes":[...]}: one entry per instance; `ns` filters by namespace (NULL: all). */
ALTER_API int alter_app_list(alter_context_t *ctx, const char *ns, char **ret_json);
/** The app's spec as JSON (every field, defaults filled in). */
ALTER_API int alter_app_spec(alter_context_t *ctx, const char *name, char **ret_json);
/** Recent cron/once runs: {"runs":[{"start_ms","duration_ms","exit_code","signal",...}]}. */
ALTER_API int alter_app_runs(alter_context_t *ctx, const char *target, char **ret_json);
/**
 * Block until every instance of `target` is in one of the states of `state_mask` at the same
 * time (bit 1 << ALTER_STATE_*; a condition on the present, checked now and at every change, so a
 * state that an instance passes through while another is elsewhere does not count; the Python
 * and Node bindings' wait() also accept "has been in the state since the call"), or timeout_ms
 * passes (ALTER_ETIMEDOUT), or the context shuts down or is freed (ALTER_ECLOSED). A target that
 * is removed meanwhile ends the wait with ALTER_ENOTFOUND at once (its instances are then still
 * on their way to `stopped`). Not from the loop thread.
 */
ALTER_API int alter_app_wait(alter_context_t *ctx, const char *target, uint32_t state_mask,
                             int64_t timeout_ms);

/** Validate a spec without adding it; *ret_json (may be NULL) gets the normalised spec. */
ALTER_API int alter_spec_validate(const char *spec_json, char **ret_json);

/* ------------------------------------------------------------------------------------------ */
/* Events and log lines                                                                       */
/* ------------------------------------------------------------------------------------------ */

enum alter_event_kind {
    ALTER_EVENT_STATE = 1,   /* an instance changed state */
    ALTER_EVENT_ADDED = 2,   /* an app was added */
    ALTER_EVENT_UPDATED = 3, /* an app's spec changed */
    ALTER_EVENT_REMOVED = 4, /* an app was removed */
    ALTER_EVENT_STATS = 5    /* a stats sample (only while stats sampling is on) */
};

typedef struct alter_event {
    uint32_t struct_size;
    uint32_t kind;      /* alter_event_kind */
    int64_t time_ms;    /* unix time, ms */
    const char *app;
    const char *instance; /* instance name, or NULL for app events */
    const char *ns;
    int32_t from;       /* ALTER_STATE_* (STATE events) */
    int32_t to;
    int32_t pid;        /* the process (for exits: the one that ended); 0 if none */
    int32_t exit_code;  /* -1 if none */
    int32_t signal;     /* 0 if none */
    uint32_t restarts;
    const char *reason; /* "start", "stop", "crash", "backoff", "watch", "cron", ... */
    const char *json;   /* the whole event as one JSON object */
} alter_event_t;

typedef struct alter_log_line {
    uint32_t struct_size;
    uint32_t stream; /* ALTER_STREAM_* */
    int64_t time_ms;
    const char *app;
    const char *instance;
    const char *text; /* not NUL-terminated; no trailing newline */
    size_t len;
    const char *ns;   /* the app's namespace */
} alter_log_line_t;

typedef void (*alter_event_cb)(const alter_event_t *event, void *userdata);
typedef void (*alter_log_cb)(const alter_log_line_t *line, void *userdata);

/** Call cb for every event, on the loop thread. *ret_id identifies it for alter_unwatch. */
ALTER_API int alter_event_watch(alter_context_t *ctx, alter_event_cb cb, void *userdata,
                                uint64_t *ret_id);
/** Call cb for every log line of `target` (an app, an instance, "ns:NAME"; NULL or "all": every
 * app), on the loop thread. */
ALTER_API int alter_log_watch(alter_context_t *ctx, const char *target, alter_log_cb cb,
                              void *userdata, uint64_t *ret_id);
/** After it returns, that callback is never called again. */
ALTER_API int alter_unwatch(alter_context_t *ctx, uint64_t id);

/*
 * A subscription: a bounded queue of records (JSON text) filled on the loop thread and read from
 * any thread. It never slows the supervisor: when the reader falls `capacity` records (or 64 MiB
 * of queued records) behind, the queue gets a final {"type":"dropped",...} record and is closed.
 */
typedef struct alter_sub alter_sub_t;

#define ALTER_SUB_EVENTS 0x1u
#define ALTER_SUB_LOGS 0x2u

typedef struct alter_sub_options {
    uint32_t struct_size;
    uint32_t flags;     /* ALTER_SUB_EVENTS | ALTER_SUB_LOGS */
    const char *target; /* app or instance for logs; NULL: all */
    uint32_t backlog;   /* recent log lines to deliver first (from the in-memory ring) */
    uint32_t capacity;  /* 0: 10000 */
} alter_sub_options_t;

#define ALTER_SUB_OPTIONS_INIT { sizeof(alter_sub_options_t), ALTER_SUB_EVENTS, NULL, 0u, 0u }

ALTER_API int alter_sub_new(alter_context_t *ctx, const alter_sub_options_t *opts,
                            alter_sub_t **ret);
/** A file descriptor that is readable while records are queued (for poll/epoll/asyncio). */
ALTER_API int alter_sub_fd(alter_sub_t *sub);
/**
 * Take the next record: 1 and *ret_json set, 0 on timeout (timeout_ms < 0 waits forever,
 * 0 polls), ALTER_ECLOSED once the queue is closed and empty. Records are the events' JSON
 * ({"type":"state"|"added"|"updated"|"removed"|"stats",...}), log lines
 * ({"type":"log","time_ms","app","instance","stream","text"}) and, when the reader fell behind,
 * a last {"type":"dropped","reason":"..."} before the queue closes.
 */
ALTER_API int alter_sub_next(alter_sub_t *sub, int64_t timeout_ms, char **ret_json);
/** Close the queue: a reader blocked in alter_sub_next wakes with ALTER_ECLOSED. */
ALTER_API int alter_sub_close(alter_sub_t *sub);
ALTER_API void alter_sub_free(alter_sub_t *sub);

/* ------------------------------------------------------------------------------------------ */
/* Logs on disk                                                                               */
/* ------------------------------------------------------------------------------------------ */

#define ALTER_LOG_REGEX 0x1u /* grep is a POSIX extended regular expression */
#define ALTER_LOG_ICASE 0x2u /* case-insensitive grep */
#define ALTER_LOG_TEXT 0x4u  /* plain text "<UTC stamp> <text>\n" lines instead of JSON */

typedef struct alter_log_query {
    uint32_t struct_size;
    uint32_t streams;  /* ALTER_STREAM_OUT | ALTER_STREAM_ERR; 0: both */
    uint32_t lines;    /* the newest N matching lines; 0: 100 */
    uint32_t flags;    /* ALTER_LOG_* */
    const char *date;  /* "YYYY-MM-DD": that day's archive; NULL: the current files */
    const char *grep;  /* NULL: every line */
} alter_log_query_t;

#define ALTER_LOG_QUERY_INIT { sizeof(alter_log_query_t), 0u, 100u, 0u, NULL, NULL }

/**
 * {"lines":[{"time_ms":..,"stream":"out","app":"..","instance":"..","text":".."}]}, oldest first; with
 * ALTER_LOG_TEXT the lines as text, as stored in the files.
 */
ALTER_API int alter_log_read(alter_context_t *ctx, const char *target, const alter_log_query_t *q,
                             char **ret_json);
/**
 * The newest `n` lines of `target` still in the in-memory ring (no disk access), oldest first,
 * in the same shape as alter_log_read(). Handy for the backlog of a live stream.
 */
ALTER_API int alter_log_recent(alter_context_t *ctx, const char *target, uint32_t n, uint32_t streams,
                               char **ret_json);
/** {"dates":["2026-11-20",...] (newest first),"has_current":true} */
ALTER_API int alter_log_dates(alter_context_t *ctx, const char *target, char **ret_json);
/**
 * Lines written per time bucket by `target` (an app, an instance, "ns:NAME" or "all"), per
 * instance and stream, counted from the stored files' timestamps in [from_ms, to_ms) (unix
 * ms): {"from_ms","to_ms","bucket_ms","buckets":N,"series":[{"app","instance","stream":
 * "out"|"err","counts":[N numbers],"total"}],"lines","bytes_scanned","truncated"}. Series
 * without a line in the range are left out. At most 2000 buckets and 31 days (ALTER_ERANGE);
 * at most 256 MiB are read, after that "truncated" is true and the counts are lower bounds.
 * Reads the files on the caller's thread.
 */
ALTER_API int alter_log_volume(alter_context_t *ctx, const char *target, int64_t from_ms, int64_t to_ms,
                               int64_t bucket_ms, char **ret_json);
/** Delete the log files of `target` (current and rotated). */
ALTER_API int alter_log_clear(alter_context_t *ctx, const char *target);
/** {"files":[{"instance":"..","stream":"out","path":"..."}]}: the current log files. */
ALTER_API int alter_log_files(alter_context_t *ctx, const char *target, char **ret_json);

/* ------------------------------------------------------------------------------------------ */
/* State, ecosystem files, cron, host stats                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Write every app spec and its desired state to `path` (NULL: state_path) atomically. */
ALTER_API int alter_state_save(alter_context_t *ctx, const char *path);
/**
 * Restore apps from `path` (NULL: state_path): apps that were running start again, stopped ones
 * stay stopped. Apps that already exist are updated in place. Returns the number of apps.
 */
ALTER_API int alter_state_load(alter_context_t *ctx, const char *path);

#define ALTER_FORMAT_AUTO 0u /* from the file name; content sniffing for text */
#define ALTER_FORMAT_TOML 1u
#define ALTER_FORMAT_JSON 2u
#define ALTER_FORMAT_YAML 3u
#define ALTER_FORMAT_PM2 4u      /* PM2 ecosystem JSON */
#define ALTER_FORMAT_PROCFILE 5u
#define ALTER_FORMAT_SUPERVISORD 6u /* supervisord INI ([program:x] sections) */

typedef struct alter_config_options {
    uint32_t struct_size;
    uint32_t format;      /* ALTER_FORMAT_*; AUTO: from the file name, else by the content */
    const char *filename; /* may be NULL: picks the format with AUTO and names the file in errors */
    const char *base_dir; /* may be NULL: an app's cwd defaults to it, a relative cwd is joined to it */
} alter_config_options_t;

#define ALTER_CONFIG_OPTIONS_INIT { sizeof(alter_config_options_t), ALTER_FORMAT_AUTO, NULL, NULL }

/**
 * Parse an ecosystem file's text into {"apps":[spec,...],"warnings":[...]}, every spec
 * validated. Returns the number of apps. ALTER_EPARSE / ALTER_ESPEC with file, line, column,
 * field and hint (alter_last_error_json) if anything is wrong: then no app is returned.
 */
ALTER_API int alter_config_parse(const char *text, size_t len, const alter_config_options_t *opts,
                                 char **ret_json);
/** Read and parse a file: its directory is the base_dir (apps run there unless they say). */
ALTER_API int alter_config_read(const char *path, uint32_t format, char **ret_json);
/**
 * Apply {"apps":[...]}: add new apps and start them, update changed ones in place, leave equal
 * ones alone. Nothing changes if any spec is invalid. *ret_json (may be NULL) gets
 * {"added":[..],"updated":[..],"unchanged":[..]}.
 */
ALTER_API int alter_config_apply(alter_context_t *ctx, const char *apps_json, char **ret_json);

/**
 * The next fire times of a cron expression after from_ms (unix ms), in the local time zone.
 * Writes up to n times to out_ms and returns how many. ALTER_EPARSE with detail if invalid.
 */
ALTER_API int alter_cron_next(const char *expr, int64_t from_ms, uint32_t n, int64_t *out_ms);

/** Host CPU and memory: {"cpu_percent":..,"mem_total_bytes":..,"mem_used_bytes":..,...}. */
ALTER_API int alter_host_stats(alter_context_t *ctx, char **ret_json);

/**
 * Sample CPU and memory of every running instance now (one pass over /proc) and send a
 * ALTER_EVENT_STATS event for each to the event watchers (hidden apps are skipped). Returns
 * the number of instances sampled. For a program that samples on its own schedule (alterd:
 * only while a client asked for stats) instead of a fixed stats_interval_ms.
 */
ALTER_API int alter_stats_sample(alter_context_t *ctx);

/**
 * Every instance in the Prometheus text exposition format (alter_process_up, _restarts_total,
 * _cpu_percent, _memory_bytes, _uptime_seconds, _exit_code, _state with labels name, app,
 * namespace, state).
 */
ALTER_API int alter_app_metrics(alter_context_t *ctx, char **ret_text);

/* ------------------------------------------------------------------------------------------ */
/* A program's own log file                                                                   */
/* ------------------------------------------------------------------------------------------ */

/*
 * The same stamped, size-rotated log files as the apps get, for a program's own log (alterd's
 * daemon.log). Thread-safe: writes are serialised.
 */
typedef struct alter_logfile alter_logfile_t;

/** Open (create, append) `path`; rotate at max_size bytes (0: never), keeping max_files. */
ALTER_API int alter_logfile_open(const char *path, uint64_t max_size, uint32_t max_files,
                                 alter_logfile_t **ret);
/** Append text: each line gets a UTC timestamp; a missing final newline is added. */
ALTER_API int alter_logfile_write(alter_logfile_t *f, const char *text, size_t len);
ALTER_API void alter_logfile_close(alter_logfile_t *f);

/**
 * Replace the file at `path` with `data` atomically: a temporary file in the same directory,
 * fsync, rename, fsync of the directory. `mode` applies to the new file (e.g. 0600).
 */
ALTER_API int alter_write_file_atomic(const char *path, const char *data, size_t len, uint32_t mode);

#ifdef __cplusplus
}
#endif

#endif /* ALTER_ALTER_H */
