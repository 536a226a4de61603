// SPDX-License-Identifier: MIT
// The event bus: state changes and log lines go to watchers (callbacks on the loop thread) and
// from there to subscriptions (bounded queues read from any thread). Loop thread only, except
// the subscription's reading side.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alter/alter.h"

namespace alter::detail {

using event_fn = std::function<void(const alter_event_t &)>;
using log_fn = std::function<void(const alter_log_line_t &)>;

class event_bus {
public:
    /// `internal`: the watcher also sees the state changes of hidden apps (the library's own
    /// waiters need them; embedders' watchers never see hidden apps).
    uint64_t watch_events(event_fn fn, bool internal = false);
    /// `target`: an app or instance name; empty: every line.
    uint64_t watch_logs(std::string target, log_fn fn);
    bool unwatch(uint64_t id);

    bool has_event_watchers() const { return event_watchers_ > 0; }
    bool has_log_watchers() const { return log_watchers_ > 0; }
    bool has_internal_watchers() const { return internal_watchers_ > 0; }
    /// `hidden`: only internal watchers get it.
    void emit(const alter_event_t &ev, bool hidden = false);
    void emit_log(const alter_log_line_t &line);

private:
    struct watcher {
        uint64_t id;
        bool logs;
        bool dead;
        bool internal;
        std::string target;
        event_fn on_event;
        log_fn on_log;
    };
    void compact();

    std::deque<watcher> watchers_; // a deque: references stay valid when a callback adds one
    uint64_t next_id_ = 1;
    int depth_ = 0; // > 0 while emitting: removals are deferred
    int event_watchers_ = 0;
    int internal_watchers_ = 0;
    int log_watchers_ = 0;
};

/// The queue behind alter_sub_t. Filled on the loop thread, drained from any thread.
class subscription {
public:
    static constexpr size_t max_bytes = 64 * 1024 * 1024;
    explicit subscription(size_t capacity);
    ~subscription();

    /// Loop thread: queue a record; when full, queue a "dropped" record and close.
    void push(std::string record);
    /// Any thread: 1 with a record, 0 on timeout, ALTER_ECLOSED once closed and drained.
    int next(int64_t timeout_ms, std::string &out);
    void close();
    /// Lock-free: a dropped or closed subscription is skipped before a record is even built.
    bool closed() const { return closed_flag_.load(std::memory_order_relaxed); }
    int fd() const { return efd_; }

private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> q_;
    size_t capacity_;
    size_t bytes_ = 0; // queued record bytes: bounded too (max_bytes), so long lines cannot pile up
    uint64_t lost_ = 0;
    bool closed_ = false;
    std::atomic<bool> closed_flag_{false};
    int efd_ = -1;
};

} // namespace alter::detail
