// SPDX-License-Identifier: MIT
// The native side of a Manager: one libalter context, its records (events, log lines,
// diagnostics) handed to JavaScript through one napi_threadsafe_function, and the actions run
// off the JS thread as napi_async_work.
//
// Threads:
//  - the JS thread: every napi_* call except napi_call/release_threadsafe_function;
//  - libalter's loop thread: on_event / on_log / on_record only; they copy the record into a
//    bounded queue and never block (a full queue drops and counts);
//  - libuv's thread pool: the alter_* calls of actions (each posts to the loop and waits), one
//    at a time per manager, in the order JavaScript made them;
//  - one closer thread per close(): alter_context_free, which stops every child.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <node_api.h>

#include "alter/alter.h"

namespace alter_node {

struct record {
    enum kind_t : uint8_t { event, log, diagnostic } kind = event;
    uint8_t stream = 0;    // log: ALTER_STREAM_*; diagnostic: level
    int64_t time_ms = 0;   // log
    uint64_t lost_before = 0; // records dropped just before this one
    std::string app, instance, text; // event: text = JSON; log: text = the line
    size_t bytes() const { return sizeof(record) + app.size() + instance.size() + text.size(); }
};

class manager {
public:
    /// Register the class on `exports`.
    static napi_status define(napi_env env, napi_value exports);

    // ---- used by actions (ops.cpp) ----
    /// Thread pool: enter an action. False once close() began (the action then fails ECLOSED).
    bool enter();
    /// Thread pool: leave an action.
    void leave();
    alter_context_t *context() const { return ctx_; }
    void add_ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
    void release();
    /// JS thread: the actions waiting for the one running to finish. A manager's actions run
    /// one at a time, in the order they were made (ops.cpp), so `stop(a)` then `get(a)`
    /// answers after the stop even when the caller does not await the first.
    std::deque<napi_async_work> &waiting_ops() { return waiting_ops_; }
    bool op_running = false;

private:
    manager() = default;
    ~manager();

    static napi_value construct(napi_env env, napi_callback_info info);
    static napi_value close(napi_env env, napi_callback_info info);
    static napi_value close_sync(napi_env env, napi_callback_info info);
    static napi_value set_logs(napi_env env, napi_callback_info info);
    static napi_value drain(napi_env env, napi_callback_info info);
    static napi_value ref(napi_env env, napi_callback_info info);
    static napi_value unref(napi_env env, napi_callback_info info);

    static void on_event(const alter_event_t *ev, void *userdata);
    static void on_log(const alter_log_line_t *line, void *userdata);
    static void on_record(int level, const char *message, void *userdata);
    static void call_js(napi_env env, napi_value js_cb, void *context, void *data);
    static void tsfn_finalize(napi_env env, void *data, void *hint);
    static void wrap_finalize(napi_env env, void *data, void *hint);
    static void cleanup_hook(void *arg);

    void push(record &&r) noexcept;
    /// JS thread: hand up to `limit` queued records to `cb` as cb(records, more). With `more`
    /// the JS side calls drain() from setImmediate (the event loop gets a turn in between) and
    /// no wake-up is sent meanwhile.
    void deliver(napi_env env, napi_value cb, size_t limit);
    /// Stop new actions and wait for running ones to leave.
    void quiesce();
    /// Synchronous close at exit or env teardown (stops every child before returning).
    void close_now(bool abort_tsfn);
    void remove_hook(napi_env env);

    alter_context_t *ctx_ = nullptr;
    napi_threadsafe_function tsfn_ = nullptr;
    napi_ref dispatch_ = nullptr; // the JS dispatch function, for the final drain
    std::atomic<bool> want_logs_{false};
    std::atomic<int> refs_{2}; // the JS wrapper and the threadsafe function
    std::deque<napi_async_work> waiting_ops_;

    // The record queue (loop thread -> JS thread), in order. Log lines and events have separate
    // budgets ([0] events and diagnostics, [1] log lines): a flood of output cannot push state
    // changes out.
    std::mutex qmu_;
    std::deque<record> q_;
    size_t q_count_[2] = {0, 0};
    size_t q_bytes_[2] = {0, 0};
    size_t capacity_ = 10000;
    size_t max_bytes_ = 32u << 20;
    uint64_t lost_pending_ = 0;
    bool wake_pending_ = false;

    // Actions in flight and closing.
    std::mutex omu_;
    std::condition_variable ocv_;
    int active_ = 0;
    bool closing_ = false;

    // JS thread only.
    std::thread closer_;
    napi_deferred close_deferred_ = nullptr;
    napi_env env_ = nullptr;
    bool hook_ = false;
    bool torn_down_ = false;
    bool finalized_tsfn_ = false;
};

/// The action methods (ops.cpp), added to the class's prototype.
void add_op_properties(std::vector<napi_property_descriptor> &props);
/// Module-level functions that need no context (ops.cpp).
napi_status define_functions(napi_env env, napi_value exports);

} // namespace alter_node
