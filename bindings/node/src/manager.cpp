// SPDX-License-Identifier: MIT
#include "manager.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <memory>
#include <pthread.h>

#include "napi_util.hpp"

namespace alter_node {

namespace {

// Records handed to JavaScript per call. A full queue is drained one batch per event-loop turn
// (setImmediate), never in one go: node's tsfn dispatch would run up to 1000 calls per turn.
constexpr size_t batch_limit = 512;

struct captured_error {
    int rc;
    std::string message, json;
};

captured_error capture(int rc) { return {rc, alter_last_error(), alter_last_error_json()}; }

napi_value throw_alter(napi_env env, const captured_error &e) {
    napi_throw(env, make_alter_error(env, e.rc, e.message, e.json));
    return nullptr;
}

manager *unwrap(napi_env env, napi_value self) {
    void *p = nullptr;
    if (napi_unwrap(env, self, &p) != napi_ok || p == nullptr) {
        napi_throw_type_error(env, "EINVAL", "not a native alter Manager");
        return nullptr;
    }
    return static_cast<manager *>(p);
}

/// Run `fn` with every signal blocked, so that threads it creates inherit a full mask: signals
/// meant for node (SIGINT, SIGCHLD, ...) are never handled on libalter's threads.
template <class F> auto with_signals_blocked(F &&fn) {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    auto r = fn();
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return r;
}

napi_value log_to_js(napi_env env, const record &r) {
    napi_value o = nullptr;
    if (napi_create_object(env, &o) != napi_ok) return nullptr;
    const char *stream = r.stream == ALTER_STREAM_ERR ? "err" : r.stream == ALTER_STREAM_OUT ? "out" : "system";
    napi_value time = nullptr;
    napi_create_double(env, static_cast<double>(r.time_ms), &time);
    napi_set_named_property(env, o, "type", make_string(env, "log"));
    napi_set_named_property(env, o, "timeMs", time);
    napi_set_named_property(env, o, "app", make_string(env, r.app.data(), r.app.size()));
    napi_set_named_property(env, o, "instance", make_string(env, r.instance.data(), r.instance.size()));
    napi_set_named_property(env, o, "stream", make_string(env, stream));
    napi_set_named_property(env, o, "text", make_string(env, r.text.data(), r.text.size()));
    return o;
}

napi_value diagnostic_to_js(napi_env env, const record &r) {
    static const char *const levels[] = {"debug", "info", "warn", "error"};
    napi_value o = nullptr;
    if (napi_create_object(env, &o) != napi_ok) return nullptr;
    napi_set_named_property(env, o, "type", make_string(env, "diagnostic"));
    napi_set_named_property(env, o, "level", make_string(env, levels[std::min<unsigned>(r.stream, 3)]));
    napi_set_named_property(env, o, "message", make_string(env, r.text.data(), r.text.size()));
    return o;
}

} // namespace

manager::~manager() {
    // Only reached after close (or a failed constructor): ctx_ is gone. Defensive otherwise.
    if (ctx_ != nullptr) alter_context_free(ctx_);
    if (closer_.joinable()) closer_.join();
}

void manager::release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

bool manager::enter() {
    std::lock_guard lock(omu_);
    if (closing_) return false;
    ++active_;
    return true;
}

void manager::leave() {
    std::lock_guard lock(omu_);
    if (--active_ == 0) ocv_.notify_all();
}

void manager::quiesce() {
    std::unique_lock lock(omu_);
    closing_ = true;
    ocv_.wait(lock, [this] { return active_ == 0; });
}

// ---- loop thread ---------------------------------------------------------------------------

void manager::push(record &&r) noexcept {
    bool wake = false;
    {
        std::lock_guard lock(qmu_);
        size_t b = r.bytes();
        int k = r.kind == record::log ? 1 : 0;
        if (q_count_[k] >= capacity_ || q_bytes_[k] + b > max_bytes_) {
            ++lost_pending_;
            return;
        }
        r.lost_before = lost_pending_;
        lost_pending_ = 0;
        try {
            q_.push_back(std::move(r));
        } catch (...) {
            ++lost_pending_;
            return;
        }
        ++q_count_[k];
        q_bytes_[k] += b;
        if (!wake_pending_) wake = wake_pending_ = true;
    }
    // Non-blocking: the tsfn holds at most one wake-up (wake_pending_), our queue is the bound.
    // napi_closing after release: the finalizer drains what is left.
    if (wake) (void)napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
}

void manager::on_event(const alter_event_t *ev, void *userdata) {
    auto *m = static_cast<manager *>(userdata);
    try {
        record r;
        r.kind = record::event;
        r.text = ev->json != nullptr ? ev->json : "{}";
        m->push(std::move(r));
    } catch (...) {
        std::lock_guard lock(m->qmu_);
        ++m->lost_pending_;
    }
}

void manager::on_log(const alter_log_line_t *line, void *userdata) {
    auto *m = static_cast<manager *>(userdata);
    if (!m->want_logs_.load(std::memory_order_relaxed)) return;
    try {
        record r;
        r.kind = record::log;
        r.stream = static_cast<uint8_t>(line->stream);
        r.time_ms = line->time_ms;
        if (line->app != nullptr) r.app = line->app;
        if (line->instance != nullptr) r.instance = line->instance;
        if (line->text != nullptr) r.text.assign(line->text, line->len);
        m->push(std::move(r));
    } catch (...) {
        std::lock_guard lock(m->qmu_);
        ++m->lost_pending_;
    }
}

void manager::on_record(int level, const char *message, void *userdata) {
    auto *m = static_cast<manager *>(userdata);
    try {
        record r;
        r.kind = record::diagnostic;
        r.stream = static_cast<uint8_t>(level < 0 ? 0 : level > 3 ? 3 : level);
        r.text = message != nullptr ? message : "";
        m->push(std::move(r));
    } catch (...) {
        std::lock_guard lock(m->qmu_);
        ++m->lost_pending_;
    }
}

// ---- JS thread -----------------------------------------------------------------------------

void manager::deliver(napi_env env, napi_value cb, size_t limit) {
    std::vector<record> batch;
    uint64_t trailing = 0;
    bool more = false;
    {
        std::lock_guard lock(qmu_);
        size_t n = std::min(limit, q_.size());
        batch.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            int k = q_.front().kind == record::log ? 1 : 0;
            --q_count_[k];
            q_bytes_[k] -= q_.front().bytes();
            batch.push_back(std::move(q_.front()));
            q_.pop_front();
        }
        if (q_.empty()) {
            trailing = lost_pending_;
            lost_pending_ = 0;
            wake_pending_ = false;
        } else {
            more = true;
        }
    }
    if (batch.empty() && trailing == 0 && !more) return;

    // [record | lost count, ...]: events as JSON text, logs and diagnostics as objects, a number
    // for records dropped at that point.
    napi_value arr = nullptr;
    if (napi_create_array(env, &arr) != napi_ok) return;
    uint32_t k = 0;
    for (const record &r : batch) {
        if (r.lost_before > 0) napi_set_element(env, arr, k++, make_int(env, static_cast<int64_t>(r.lost_before)));
        napi_value v = r.kind == record::event ? make_string(env, r.text.data(), r.text.size())
                       : r.kind == record::log ? log_to_js(env, r)
                                                : diagnostic_to_js(env, r);
        if (v != nullptr) napi_set_element(env, arr, k++, v);
    }
    if (trailing > 0) napi_set_element(env, arr, k++, make_int(env, static_cast<int64_t>(trailing)));
    napi_value argv[2] = {arr, nullptr};
    napi_get_boolean(env, more, &argv[1]);
    napi_value recv = undefined(env), ignored = nullptr;
    if (napi_call_function(env, recv, cb, 2, argv, &ignored) != napi_ok) {
        napi_value exc = nullptr;
        if (napi_get_and_clear_last_exception(env, &exc) == napi_ok && exc != nullptr) napi_fatal_exception(env, exc);
    }
}

void manager::call_js(napi_env env, napi_value js_cb, void *context, void *) {
    auto *m = static_cast<manager *>(context);
    if (env == nullptr || js_cb == nullptr || m->torn_down_) return;
    m->deliver(env, js_cb, batch_limit);
}

void manager::tsfn_finalize(napi_env env, void *data, void *) {
    auto *m = static_cast<manager *>(data);
    m->finalized_tsfn_ = true;
    if (m->closer_.joinable()) m->closer_.join();
    if (m->ctx_ != nullptr) m->close_now(true); // not reached: released only after the context is freed
    if (env != nullptr && !m->torn_down_) {
        napi_value cb = nullptr;
        if (m->dispatch_ != nullptr && napi_get_reference_value(env, m->dispatch_, &cb) == napi_ok && cb != nullptr)
            m->deliver(env, cb, SIZE_MAX);
        if (m->close_deferred_ != nullptr) napi_resolve_deferred(env, m->close_deferred_, undefined(env));
        m->close_deferred_ = nullptr;
        m->remove_hook(env);
    }
    if (env != nullptr && m->dispatch_ != nullptr) napi_delete_reference(env, m->dispatch_);
    m->dispatch_ = nullptr;
    m->tsfn_ = nullptr;
    m->release();
}

void manager::close_now(bool abort_tsfn) {
    if (closer_.joinable()) {
        closer_.join(); // close() is under way: it frees the context and releases the tsfn
        return;
    }
    if (ctx_ == nullptr) return;
    quiesce();
    alter_context_free(ctx_);
    ctx_ = nullptr;
    if (tsfn_ != nullptr && !finalized_tsfn_)
        (void)napi_release_threadsafe_function(tsfn_, abort_tsfn ? napi_tsfn_abort : napi_tsfn_release);
}

void manager::remove_hook(napi_env env) {
    if (!hook_) return;
    hook_ = false;
    napi_remove_env_cleanup_hook(env, cleanup_hook, this);
}

void manager::cleanup_hook(void *arg) {
    // The environment is going away (the process exits, or a worker ends) without close():
    // stop every child before returning, deliver nothing more to JavaScript.
    auto *m = static_cast<manager *>(arg);
    m->hook_ = false;
    m->torn_down_ = true;
    m->close_now(true);
}

void manager::wrap_finalize(napi_env env, void *data, void *) {
    auto *m = static_cast<manager *>(data);
    if (m->ctx_ != nullptr && !m->closer_.joinable()) {
        // Unreachable while open (the tsfn holds the dispatch closure); kept as a safety net.
        m->remove_hook(env);
        m->torn_down_ = true;
        m->close_now(true);
    }
    m->release();
}

napi_value manager::construct(napi_env env, napi_callback_info info) {
    args a(env, info);
    if (!a.ok) return nullptr;
    napi_value target = nullptr;
    ALTER_NAPI_OK(env, napi_get_new_target(env, info, &target));
    if (target == nullptr) {
        napi_throw_type_error(env, "EINVAL", "Manager must be called with new");
        return nullptr;
    }
    if (a.type(0) != napi_object || a.type(1) != napi_function) {
        napi_throw_type_error(env, "EINVAL", "expected (options, dispatch)");
        return nullptr;
    }
    bool failed = false;
    napi_value o = a.argv[0];
    auto log_dir = prop_str(env, o, "logDir", failed);
    auto state_path = failed ? std::nullopt : prop_str(env, o, "statePath", failed);
    auto autosave = failed ? std::nullopt : prop_i64(env, o, "autosaveMs", failed);
    auto stats = failed ? std::nullopt : prop_i64(env, o, "statsIntervalMs", failed);
    auto ring = failed ? std::nullopt : prop_i64(env, o, "logRingLines", failed);
    auto qsize = failed ? std::nullopt : prop_i64(env, o, "queueSize", failed);
    auto qbytes = failed ? std::nullopt : prop_i64(env, o, "queueBytes", failed);
    if (failed) return nullptr;

    auto *m = new manager();
    m->env_ = env;
    if (qsize && *qsize > 0) m->capacity_ = static_cast<size_t>(*qsize);
    if (qbytes && *qbytes > 0) m->max_bytes_ = static_cast<size_t>(*qbytes);
    if (napi_create_reference(env, a.argv[1], 1, &m->dispatch_) != napi_ok) {
        delete m;
        throw_last_napi_error(env);
        return nullptr;
    }
    napi_value name = make_string(env, "alter.Manager");
    if (napi_create_threadsafe_function(env, a.argv[1], nullptr, name, 0, 1, m, tsfn_finalize, m, call_js, &m->tsfn_) !=
        napi_ok) {
        napi_delete_reference(env, m->dispatch_);
        delete m;
        throw_last_napi_error(env);
        return nullptr;
    }
    // From here the tsfn owns one reference: a failure releases it and drops the wrapper's.
    auto fail = [&](const captured_error &e) {
        if (m->ctx_ != nullptr) alter_context_free(m->ctx_);
        m->ctx_ = nullptr;
        napi_release_threadsafe_function(m->tsfn_, napi_tsfn_abort);
        m->release();
        return throw_alter(env, e);
    };

    alter_context_options_t co = ALTER_CONTEXT_OPTIONS_INIT;
    co.log_dir = log_dir ? log_dir->c_str() : nullptr;
    co.state_path = state_path ? state_path->c_str() : nullptr;
    co.autosave_ms = autosave.value_or(0);
    co.stats_interval_ms = stats.value_or(0);
    co.log_ring_lines = static_cast<uint32_t>(std::min<int64_t>(ring.value_or(0), UINT32_MAX));
    co.on_record = on_record;
    co.record_userdata = m;
    int rc = with_signals_blocked([&] { return alter_context_new(&co, &m->ctx_); });
    if (rc < 0) return fail(capture(rc));
    uint64_t id = 0;
    if ((rc = alter_event_watch(m->ctx_, on_event, m, &id)) < 0) return fail(capture(rc));
    if ((rc = alter_log_watch(m->ctx_, nullptr, on_log, m, &id)) < 0) return fail(capture(rc));

    if (napi_wrap(env, a.self, m, wrap_finalize, nullptr, nullptr) != napi_ok) {
        napi_value ignored = nullptr;
        napi_get_and_clear_last_exception(env, &ignored);
        return fail({ALTER_EINTERNAL, "napi_wrap failed", ""});
    }
    if (napi_add_env_cleanup_hook(env, cleanup_hook, m) == napi_ok) m->hook_ = true;
    return a.self;
}

napi_value manager::close(napi_env env, napi_callback_info info) {
    args a(env, info);
    if (!a.ok) return nullptr;
    manager *m = unwrap(env, a.self);
    if (m == nullptr) return nullptr;
    if (m->close_deferred_ != nullptr || m->closer_.joinable() || m->ctx_ == nullptr || m->finalized_tsfn_) {
        napi_throw_error(env, "ECLOSED", "the manager is already closed");
        return nullptr;
    }
    napi_value promise = nullptr;
    ALTER_NAPI_OK(env, napi_create_promise(env, &m->close_deferred_, &promise));
    {
        std::lock_guard lock(m->omu_);
        m->closing_ = true;
    }
    // Keep the process alive until the children are stopped and the promise resolves.
    napi_ref_threadsafe_function(env, m->tsfn_);
    auto work = [m] {
        m->quiesce();
        alter_context_free(m->ctx_); // stops every child; their last events still flow
        m->ctx_ = nullptr;
        napi_release_threadsafe_function(m->tsfn_, napi_tsfn_release); // -> tsfn_finalize
    };
    try {
        m->closer_ = with_signals_blocked([&] { return std::thread(work); });
    } catch (...) {
        work(); // no thread: close on this one (blocks until the children are gone)
    }
    return promise;
}

napi_value manager::close_sync(napi_env env, napi_callback_info info) {
    // For process.on('exit'): nothing may run after this, so stop the children now.
    args a(env, info);
    if (!a.ok) return nullptr;
    manager *m = unwrap(env, a.self);
    if (m == nullptr) return nullptr;
    m->remove_hook(env);
    m->torn_down_ = true;
    m->close_now(false);
    return undefined(env);
}

napi_value manager::set_logs(napi_env env, napi_callback_info info) {
    args a(env, info);
    if (!a.ok) return nullptr;
    manager *m = unwrap(env, a.self);
    auto on = m != nullptr ? a.boolean(0, "on") : std::nullopt;
    if (!on) return nullptr;
    m->want_logs_.store(*on, std::memory_order_relaxed);
    return undefined(env);
}

napi_value manager::drain(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = a.ok ? unwrap(env, a.self) : nullptr;
    if (m == nullptr) return nullptr;
    napi_value cb = nullptr;
    if (!m->finalized_tsfn_ && !m->torn_down_ && m->dispatch_ != nullptr &&
        napi_get_reference_value(env, m->dispatch_, &cb) == napi_ok && cb != nullptr)
        m->deliver(env, cb, batch_limit);
    return undefined(env);
}

napi_value manager::ref(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = a.ok ? unwrap(env, a.self) : nullptr;
    if (m == nullptr) return nullptr;
    if (m->tsfn_ != nullptr && !m->finalized_tsfn_) napi_ref_threadsafe_function(env, m->tsfn_);
    return undefined(env);
}

napi_value manager::unref(napi_env env, napi_callback_info info) {
    args a(env, info);
    manager *m = a.ok ? unwrap(env, a.self) : nullptr;
    if (m == nullptr) return nullptr;
    // Not while closing: the close promise must be able to resolve.
    if (m->tsfn_ != nullptr && !m->finalized_tsfn_ && m->close_deferred_ == nullptr)
        napi_unref_threadsafe_function(env, m->tsfn_);
    return undefined(env);
}

napi_status manager::define(napi_env env, napi_value exports) {
    std::vector<napi_property_descriptor> props = {
        {"close", nullptr, close, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"closeSync", nullptr, close_sync, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"setLogs", nullptr, set_logs, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"drain", nullptr, drain, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"ref", nullptr, ref, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"unref", nullptr, unref, nullptr, nullptr, nullptr, napi_default, nullptr},
    };
    add_op_properties(props);
    napi_value cls = nullptr;
    napi_status st = napi_define_class(env, "NativeManager", NAPI_AUTO_LENGTH, construct, nullptr, props.size(),
                                       props.data(), &cls);
    if (st != napi_ok) return st;
    return napi_set_named_property(env, exports, "NativeManager", cls);
}

} // namespace alter_node
