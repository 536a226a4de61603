// SPDX-License-Identifier: MIT
// context: one libuv loop on one thread (its own, or the caller's), a thread-safe task queue into
// it, and the supervisor living on it. No globals: everything hangs off a context.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <uv.h>

#include "alter/alter.h"
#include "common/result.hpp"
#include "events.hpp"

namespace alter::detail {

class supervisor;

struct context_options {
    uint32_t flags = 0;
    std::string log_dir;
    std::string state_path;
    int64_t autosave_ms = 0;
    int64_t stats_interval_ms = 0;
    uint32_t log_ring_lines = 1000;
    uint64_t child_nofile_soft = 0; // > 0: the children's soft RLIMIT_NOFILE
    alter_record_cb on_record = nullptr;
    void *record_userdata = nullptr;
};

class context {
public:
    explicit context(context_options opts);
    ~context();
    context(const context &) = delete;
    context &operator=(const context &) = delete;

    /// Create the loop (and the thread unless caller-thread mode).
    status init();

    // ---- thread-safe ----
    /// Queue fn to run on the loop thread. ALTER_ECLOSED once the loop has ended.
    int post(std::function<void()> fn);
    bool on_loop() const { return std::this_thread::get_id() == loop_thread_id_.load(); }
    /// Run fn on the loop thread and wait for its result (inline when already there).
    template <class T> result<T> call(std::function<result<T>()> fn) {
        if (on_loop()) return fn();
        auto p = std::make_shared<std::promise<result<T>>>();
        auto fut = p->get_future();
        int r = post([p, f = std::move(fn)]() mutable { p->set_value(f()); });
        if (r < 0) return error(r, "the context is shut down");
        return fut.get();
    }
    /// Begin a graceful shutdown; `done` runs on the loop thread at the end.
    int shutdown(std::function<void()> done);
    /// Caller-thread mode: run the loop until it ends.
    int run();
    /// Shut down (if not yet), wait for the end, join the thread.
    void finish();

    // ---- loop thread ----
    uv_loop_t *loop() { return &loop_; }
    supervisor &sup() { return *sup_; }
    event_bus &bus() { return bus_; }
    const context_options &options() const { return opts_; }
    void record(int level, const std::string &msg) const;
    /// Shared buffers for the log path (the loop is single-threaded: one of each suffices).
    std::string &scratch() { return scratch_; }
    char *read_buf() { return read_buf_.get(); }
    static constexpr size_t read_buf_size = 256 * 1024;
    bool closing() const { return closing_; }

private:
    static void on_async(uv_async_t *h);
    void drain_tasks();
    void close_all();

    context_options opts_;
    uv_loop_t loop_{};
    uv_async_t async_{};
    bool loop_ready_ = false;
    std::mutex mu_;
    std::vector<std::function<void()>> tasks_;
    bool accepting_ = true;   // under mu_: false once the loop is about to end
    bool closing_ = false;    // loop thread: shutdown has begun
    bool ended_ = false;      // loop thread: the loop is gone
    std::atomic<std::thread::id> loop_thread_id_{};
    std::thread thread_;
    std::unique_ptr<supervisor> sup_;
    event_bus bus_;
    std::string scratch_;
    std::unique_ptr<char[]> read_buf_;
    std::vector<std::function<void()>> on_done_;
};

/// Unix time in ms (wall clock).
int64_t wall_ms();
/// Monotonic ms.
int64_t mono_ms();

} // namespace alter::detail
