// SPDX-License-Identifier: MIT
// alter.hpp: the header-only C++20 API over the C ABI (alter.h), in the way reproc++ sits on
// reproc: move-only RAII owners of the C handles, [[nodiscard]] result types instead of
// exceptions, std::chrono durations, std::function callbacks. Nothing here is compiled into
// libalter: it only calls alter_* functions.
//
// Threading is the C ABI's: every method may be called from any thread (it is carried out on the
// loop thread), callbacks run on the loop thread and must not block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "alter/alter.h"
#include "alter/json.hpp"

namespace alter {

using ms = std::chrono::milliseconds;

/// A failed call: the code (ALTER_E* or -errno) and the library's detailed message.
struct error {
    int code = 0;
    std::string message; // alter_last_error(): names the field / position
    std::string json;    // alter_last_error_json()

    std::string_view name() const { return alter_err_name(code); }
    /// The error of the last failed call on this thread.
    static error last(int code) { return error{code, alter_last_error(), alter_last_error_json()}; }
};

template <class T> class [[nodiscard]] result {
public:
    result(T v) : v_(std::move(v)) {}
    result(alter::error e) : v_(std::move(e)) {}
    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    T &value() & { return std::get<0>(v_); }
    T &&value() && { return std::get<0>(std::move(v_)); }
    const T &value() const & { return std::get<0>(v_); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    const alter::error &error() const { return std::get<1>(v_); }

private:
    std::variant<T, alter::error> v_;
};

template <> class [[nodiscard]] result<void> {
public:
    result() = default;
    result(alter::error e) : e_(std::move(e)), ok_(false) {}
    bool ok() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    const alter::error &error() const { return e_; }

private:
    alter::error e_;
    bool ok_ = true;
};

using status = result<void>;

enum class state : int {
    stopped = ALTER_STATE_STOPPED,
    starting = ALTER_STATE_STARTING,
    running = ALTER_STATE_RUNNING,
    stopping = ALTER_STATE_STOPPING,
    exited = ALTER_STATE_EXITED,
    crashed = ALTER_STATE_CRASHED,
    waiting = ALTER_STATE_WAITING,
    errored = ALTER_STATE_ERRORED,
    disabled = ALTER_STATE_DISABLED,
};
inline const char *to_string(state s) { return alter_state_name(static_cast<int>(s)); }

namespace detail {
inline status check(int r) {
    if (r < 0) return error::last(r);
    return {};
}
inline result<int> count(int r) {
    if (r < 0) return error::last(r);
    return r;
}
/// `s` is read after `r` was computed (a pointer to the out-parameter, not its value: the
/// order in which call arguments are evaluated is unspecified).
inline result<std::string> take(int r, char **s) {
    if (r < 0) return error::last(r);
    std::string out = *s != nullptr ? *s : "";
    alter_free(*s);
    return out;
}
} // namespace detail

/// An app spec, written to JSON for alter_app_add(). Only the fields you set are sent; the
/// library fills in the documented defaults (docs/CONFIG.md).
struct app_spec {
    std::string name;
    std::string command;
    std::vector<std::string> args;
    std::optional<std::string> cwd, env_file, ns, type, restart, stop_signal, user, group, cron, overlap;
    std::map<std::string, std::string> env;
    std::optional<uint32_t> instances, max_restarts, log_max_files, log_retain_days;
    std::optional<uint64_t> log_max_size; // bytes; 0: no size rotation
    std::optional<ms> restart_delay, max_restart_delay, min_uptime, restart_window, kill_timeout, watch_debounce;
    std::optional<double> backoff_multiplier;
    std::optional<bool> enabled;
    std::vector<std::string> watch, watch_ignore, watch_include, deps;

    std::string to_json() const {
        std::string out;
        json::writer w(out);
        w.begin_object();
        w.field("name", name).field("command", command);
        auto list = [&](const char *k, const std::vector<std::string> &v) {
            if (v.empty()) return;
            w.key(k).begin_array();
            for (const auto &x : v) w.value(x);
            w.end_array();
        };
        auto opt = [&](const char *k, const auto &v) {
            if (v) w.field(k, *v);
        };
        auto dur = [&](const char *k, const std::optional<ms> &v) {
            if (v) w.field(k, static_cast<long long>(v->count()));
        };
        list("args", args);
        opt("cwd", cwd);
        opt("env_file", env_file);
        opt("namespace", ns);
        opt("type", type);
        opt("restart", restart);
        opt("stop_signal", stop_signal);
        opt("user", user);
        opt("group", group);
        opt("cron", cron);
        opt("overlap", overlap);
        opt("instances", instances);
        opt("max_restarts", max_restarts);
        opt("backoff_multiplier", backoff_multiplier);
        opt("enabled", enabled);
        opt("log_max_size", log_max_size);
        opt("log_max_files", log_max_files);
        opt("log_retain_days", log_retain_days);
        dur("restart_delay_ms", restart_delay);
        dur("max_restart_delay_ms", max_restart_delay);
        dur("min_uptime_ms", min_uptime);
        dur("restart_window_ms", restart_window);
        dur("kill_timeout_ms", kill_timeout);
        dur("watch_debounce_ms", watch_debounce);
        if (!env.empty()) {
            w.key("env").begin_object();
            for (const auto &[k, v] : env) w.field(k, v);
            w.end_object();
        }
        list("watch", watch);
        list("watch_ignore", watch_ignore);
        list("watch_include", watch_include);
        list("deps", deps);
        w.end_object();
        return out;
    }
};

/// A state change or app event, valid during the callback only.
struct event {
    uint32_t kind;
    std::chrono::system_clock::time_point time;
    std::string_view app, instance, ns, reason, json;
    state from, to;
    int pid, exit_code, signal;
    uint32_t restarts;
};

struct log_line {
    uint32_t stream; // ALTER_STREAM_OUT / ALTER_STREAM_ERR
    std::chrono::system_clock::time_point time;
    std::string_view app, instance, text;
};

struct log_query {
    uint32_t streams = 0; // 0: both
    uint32_t lines = 100;
    std::string grep;
    bool regex = false, ignore_case = false;
    std::string date; // "YYYY-MM-DD"; empty: current
};

struct context_options {
    std::string log_dir;
    std::string state_path;
    ms autosave{0};
    ms stats_interval{0};
    uint32_t ring_lines = 0;
    uint64_t child_nofile_soft = 0; // > 0: the children's soft RLIMIT_NOFILE
    uint32_t flags = 0; // ALTER_CONTEXT_*
    std::function<void(int level, std::string_view message)> on_record;
};

/// A bounded queue of records (JSON) readable from any thread; see alter_sub_new().
class subscription {
public:
    subscription() = default;
    explicit subscription(alter_sub_t *s) : s_(s) {}
    subscription(subscription &&o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
    subscription &operator=(subscription &&o) noexcept {
        std::swap(s_, o.s_);
        return *this;
    }
    ~subscription() { alter_sub_free(s_); }

    /// The next record; nullopt on timeout; an ECLOSED error once closed and drained.
    result<std::optional<std::string>> next(ms timeout = ms(-1)) {
        char *js = nullptr;
        int r = alter_sub_next(s_, timeout.count(), &js);
        if (r < 0) return error::last(r);
        if (r == 0) return std::optional<std::string>();
        std::string out = js;
        alter_free(js);
        return std::optional<std::string>(std::move(out));
    }
    int fd() const { return alter_sub_fd(s_); }
    void close() { alter_sub_close(s_); }
    alter_sub_t *get() const { return s_; }

private:
    alter_sub_t *s_ = nullptr;
};

class context {
public:
    static result<context> create(const context_options &o = {}) {
        auto cbs = std::make_unique<callbacks>();
        cbs->on_record = o.on_record;
        alter_context_options_t c = ALTER_CONTEXT_OPTIONS_INIT;
        c.flags = o.flags;
        c.log_dir = o.log_dir.empty() ? nullptr : o.log_dir.c_str();
        c.state_path = o.state_path.empty() ? nullptr : o.state_path.c_str();
        c.autosave_ms = o.autosave.count();
        c.stats_interval_ms = o.stats_interval.count();
        c.log_ring_lines = o.ring_lines;
        c.child_nofile_soft = o.child_nofile_soft;
        if (cbs->on_record) {
            c.on_record = [](int level, const char *msg, void *ud) {
                static_cast<callbacks *>(ud)->on_record(level, msg);
            };
            c.record_userdata = cbs.get();
        }
        alter_context_t *ctx = nullptr;
        if (int r = alter_context_new(&c, &ctx); r < 0) return error::last(r);
        return context(ctx, std::move(cbs));
    }

    context(context &&) noexcept = default;
    context &operator=(context &&o) noexcept {
        reset();
        ctx_ = std::move(o.ctx_);
        cbs_ = std::move(o.cbs_);
        return *this;
    }
    ~context() { reset(); }

    alter_context_t *get() const { return ctx_.get(); }

    result<int> add(const app_spec &spec, uint32_t flags = ALTER_ADD_START) { return add(spec.to_json(), flags); }
    result<int> add(const std::string &spec_json, uint32_t flags = ALTER_ADD_START) {
        return detail::count(alter_app_add(get(), spec_json.c_str(), flags));
    }
    result<int> update(const std::string &name, const std::string &patch_json) {
        return detail::count(alter_app_update(get(), name.c_str(), patch_json.c_str()));
    }
    result<int> remove(const std::string &t) { return detail::count(alter_app_remove(get(), t.c_str())); }
    result<int> start(const std::string &t) { return detail::count(alter_app_start(get(), t.c_str())); }
    result<int> stop(const std::string &t) { return detail::count(alter_app_stop(get(), t.c_str())); }
    result<int> restart(const std::string &t) { return detail::count(alter_app_restart(get(), t.c_str())); }
    result<int> reset_counters(const std::string &t) { return detail::count(alter_app_reset(get(), t.c_str())); }
    result<int> enable(const std::string &t, bool on) { return detail::count(alter_app_enable(get(), t.c_str(), on)); }
    result<int> run(const std::string &t) { return detail::count(alter_app_run(get(), t.c_str())); }

    result<std::string> list(const std::string &ns = {}) {
        char *js = nullptr;
        int r = alter_app_list(get(), ns.empty() ? nullptr : ns.c_str(), &js);
        return detail::take(r, &js);
    }
    result<std::string> status_of(const std::string &t) {
        char *js = nullptr;
        return detail::take(alter_app_get(get(), t.c_str(), &js), &js);
    }
    result<std::string> spec(const std::string &name) {
        char *js = nullptr;
        return detail::take(alter_app_spec(get(), name.c_str(), &js), &js);
    }
    result<std::string> runs(const std::string &t) {
        char *js = nullptr;
        return detail::take(alter_app_runs(get(), t.c_str(), &js), &js);
    }
    result<std::string> host_stats() {
        char *js = nullptr;
        return detail::take(alter_host_stats(get(), &js), &js);
    }

    /// Wait until every instance of `t` is in one of `states` (not from the loop thread).
    status wait(const std::string &t, std::initializer_list<state> states, ms timeout) {
        uint32_t mask = 0;
        for (state s : states) mask |= 1u << static_cast<unsigned>(s);
        return detail::check(alter_app_wait(get(), t.c_str(), mask, timeout.count()));
    }

    result<uint64_t> watch_events(std::function<void(const event &)> fn) {
        auto holder = std::make_unique<std::function<void(const event &)>>(std::move(fn));
        uint64_t id = 0;
        int r = alter_event_watch(
            get(),
            [](const alter_event_t *e, void *ud) {
                event ev{e->kind,
                         std::chrono::system_clock::time_point(ms(e->time_ms)),
                         e->app ? e->app : "",
                         e->instance ? e->instance : "",
                         e->ns ? e->ns : "",
                         e->reason ? e->reason : "",
                         e->json ? e->json : "",
                         static_cast<state>(e->from),
                         static_cast<state>(e->to),
                         e->pid,
                         e->exit_code,
                         e->signal,
                         e->restarts};
                (*static_cast<std::function<void(const event &)> *>(ud))(ev);
            },
            holder.get(), &id);
        if (r < 0) return error::last(r);
        std::lock_guard lock(cbs_->mu);
        cbs_->events[id] = std::move(holder);
        return id;
    }

    result<uint64_t> watch_logs(const std::string &target, std::function<void(const log_line &)> fn) {
        auto holder = std::make_unique<std::function<void(const log_line &)>>(std::move(fn));
        uint64_t id = 0;
        int r = alter_log_watch(
            get(), target.empty() ? nullptr : target.c_str(),
            [](const alter_log_line_t *l, void *ud) {
                log_line line{l->stream, std::chrono::system_clock::time_point(ms(l->time_ms)), l->app, l->instance,
                              std::string_view(l->text, l->len)};
                (*static_cast<std::function<void(const log_line &)> *>(ud))(line);
            },
            holder.get(), &id);
        if (r < 0) return error::last(r);
        std::lock_guard lock(cbs_->mu);
        cbs_->logs[id] = std::move(holder);
        return id;
    }

    status unwatch(uint64_t id) {
        status st = detail::check(alter_unwatch(get(), id));
        std::lock_guard lock(cbs_->mu);
        cbs_->events.erase(id);
        cbs_->logs.erase(id);
        return st;
    }

    result<subscription> subscribe(uint32_t flags, const std::string &target = {}, uint32_t backlog = 0,
                                   uint32_t capacity = 0) {
        alter_sub_options_t o = ALTER_SUB_OPTIONS_INIT;
        o.flags = flags;
        o.target = target.empty() ? nullptr : target.c_str();
        o.backlog = backlog;
        o.capacity = capacity;
        alter_sub_t *s = nullptr;
        if (int r = alter_sub_new(get(), &o, &s); r < 0) return error::last(r);
        return subscription(s);
    }

    result<std::string> read_logs(const std::string &t, const log_query &q = {}) {
        alter_log_query_t c = ALTER_LOG_QUERY_INIT;
        c.streams = q.streams;
        c.lines = q.lines;
        c.flags = (q.regex ? ALTER_LOG_REGEX : 0u) | (q.ignore_case ? ALTER_LOG_ICASE : 0u);
        c.date = q.date.empty() ? nullptr : q.date.c_str();
        c.grep = q.grep.empty() ? nullptr : q.grep.c_str();
        char *js = nullptr;
        return detail::take(alter_log_read(get(), t.c_str(), &c, &js), &js);
    }
    result<std::string> log_dates(const std::string &t) {
        char *js = nullptr;
        return detail::take(alter_log_dates(get(), t.c_str(), &js), &js);
    }
    result<int> clear_logs(const std::string &t) { return detail::count(alter_log_clear(get(), t.c_str())); }

    result<int> save(const std::string &path = {}) {
        return detail::count(alter_state_save(get(), path.empty() ? nullptr : path.c_str()));
    }
    result<int> load(const std::string &path = {}) {
        return detail::count(alter_state_load(get(), path.empty() ? nullptr : path.c_str()));
    }
    result<std::string> apply(const std::string &apps_json) {
        char *js = nullptr;
        return detail::take(alter_config_apply(get(), apps_json.c_str(), &js), &js);
    }

    /// Caller-thread contexts: run the loop until shutdown has finished.
    status run_loop() { return detail::check(alter_context_run(get())); }
    status shutdown(std::function<void()> done = {}) {
        if (!done) return detail::check(alter_context_shutdown(get(), nullptr, nullptr));
        auto *fn = new std::function<void()>(std::move(done));
        int r = alter_context_shutdown(
            get(),
            [](void *ud) {
                auto *f = static_cast<std::function<void()> *>(ud);
                (*f)();
                delete f;
            },
            fn);
        if (r < 0) delete fn;
        return detail::check(r);
    }
    status post(std::function<void()> fn) {
        auto *f = new std::function<void()>(std::move(fn));
        int r = alter_context_post(
            get(),
            [](void *ud) {
                auto *g = static_cast<std::function<void()> *>(ud);
                (*g)();
                delete g;
            },
            f);
        if (r < 0) delete f;
        return detail::check(r);
    }
    /// Loop thread only: the uv_loop_t * (see alter_context_loop).
    void *uv_loop() const { return alter_context_loop(get()); }

private:
    struct callbacks {
        std::mutex mu;
        std::function<void(int, std::string_view)> on_record;
        std::map<uint64_t, std::unique_ptr<std::function<void(const event &)>>> events;
        std::map<uint64_t, std::unique_ptr<std::function<void(const log_line &)>>> logs;
    };
    struct deleter {
        void operator()(alter_context_t *c) const { alter_context_free(c); }
    };
    context(alter_context_t *c, std::unique_ptr<callbacks> cbs) : ctx_(c), cbs_(std::move(cbs)) {}
    void reset() {
        ctx_.reset(); // frees the context first: no callback runs after this
        cbs_.reset();
    }

    std::unique_ptr<alter_context_t, deleter> ctx_;
    std::unique_ptr<callbacks> cbs_;
};

/// Parse an ecosystem file's text: {"apps":[...],"warnings":[...]}.
inline result<std::string> config_parse(std::string_view text, const std::string &filename = {},
                                        uint32_t format = ALTER_FORMAT_AUTO, const std::string &base_dir = {}) {
    alter_config_options_t o = ALTER_CONFIG_OPTIONS_INIT;
    o.format = format;
    o.filename = filename.empty() ? nullptr : filename.c_str();
    o.base_dir = base_dir.empty() ? nullptr : base_dir.c_str();
    char *js = nullptr;
    int r = alter_config_parse(text.data(), text.size(), &o, &js);
    return detail::take(r, &js);
}

/// Read and parse an ecosystem file (apps run in its directory unless they say otherwise).
inline result<std::string> config_read(const std::string &path, uint32_t format = ALTER_FORMAT_AUTO) {
    char *js = nullptr;
    return detail::take(alter_config_read(path.c_str(), format, &js), &js);
}

/// The next `n` fire times of a cron expression after `from`.
inline result<std::vector<std::chrono::system_clock::time_point>>
cron_next(const std::string &expr, std::chrono::system_clock::time_point from, uint32_t n) {
    std::vector<int64_t> raw(n);
    int64_t from_ms = std::chrono::duration_cast<ms>(from.time_since_epoch()).count();
    int r = alter_cron_next(expr.c_str(), from_ms, n, raw.data());
    if (r < 0) return error::last(r);
    std::vector<std::chrono::system_clock::time_point> out;
    for (int i = 0; i < r; ++i) out.emplace_back(ms(raw[static_cast<size_t>(i)]));
    return out;
}

} // namespace alter
