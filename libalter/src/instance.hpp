// SPDX-License-Identifier: MIT
// instance: one process slot of an app (`name` or `name-i`). Runs the state machine (fsm.hpp),
// carries out its actions (spawn, signal, timers), reads the child's output into the log sinks,
// and emits an event for every state change. Loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include <uv.h>

#include "backoff.hpp"
#include "fsm.hpp"
#include "line_splitter.hpp"
#include "log_sink.hpp"
#include "proc_stats.hpp"

namespace alter::json {
class writer;
}

namespace alter::detail {

class app;
class context;
class instance;

/// The read end of a child's stdout or stderr. May outlive the process (a grandchild can hold
/// the pipe open); it ends at EOF, flushing a partial last line.
class output_pipe {
public:
    output_pipe(instance &owner, int fd, uint8_t stream);
    ~output_pipe();
    output_pipe(const output_pipe &) = delete;
    output_pipe &operator=(const output_pipe &) = delete;

    bool start();
    /// Read what is buffered now (the process exited: its last lines come before the event).
    void drain();
    bool eof() const { return eof_; }

private:
    static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
    static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);
    void consume(const char *data, size_t n);
    void finish();

    instance &owner_;
    uv_pipe_t *pipe_ = nullptr; // owned by libuv once closing
    int fd_;
    uint8_t stream_;
    bool eof_ = false;
    bool grown_ = false;
    line_splitter splitter_;
};

struct run_record {
    int64_t start_ms = 0;
    int64_t end_ms = 0; // 0 while running
    int exit_code = -1;
    int signal = 0;
    std::string trigger; // "cron", "manual", "start", "reboot"
    std::string instance;
};

class instance {
public:
    /// A transient instance is an extra run of a cron job with overlap = allow: named
    /// "<main>#<n>", writing to the main instance's log files, removed once it has finished.
    instance(app &owner, uint32_t index, std::string transient_name = {});
    ~instance();
    instance(const instance &) = delete;
    instance &operator=(const instance &) = delete;

    const std::string &name() const { return name_; }
    /// The name its log files live under (the main instance's for a transient run).
    const std::string &log_name() const { return log_name_.empty() ? name_ : log_name_; }
    bool transient() const { return !log_name_.empty(); }
    uint32_t index() const { return index_; }
    state current() const { return state_; }
    pid_t pid() const { return pid_; }
    app &owner() { return app_; }
    const app &owner() const { return app_; }
    context &ctx();
    uint32_t restarts() const { return restarts_; }
    const restart_history &history() const { return history_; }

    /// Feed the state machine. false: not possible in the current state.
    bool feed(input in, const char *reason);
    /// The user asked for a restart (counted in `restarts`).
    bool user_restart(const char *reason);
    /// Spawn now if possible (used when dependencies become ready).
    void spawn_if_starting();
    /// Forget counters (reset).
    void reset_counters();
    /// Shutdown: stop the process with the kill timeout; never restarts.
    void shutdown_stop();
    /// Release every handle; the instance is about to be destroyed.
    void close();
    /// No process, no pipes, no handles being used: safe to destroy.
    bool idle() const;

    void write_status(json::writer &w, int64_t now_wall, bool fresh_stats);
    /// Sample CPU/memory now (stats timer or a fresh status).
    void sample_stats(int64_t now_mono);
    double cpu_percent() const { return cpu_percent_; }
    uint64_t memory_bytes() const { return memory_bytes_; }

    // log path (output_pipe)
    void on_lines_begin(uint8_t stream);
    void on_line(uint8_t stream, std::string_view text);
    void on_lines_end(uint8_t stream);
    void pipe_finished(output_pipe *p);
    void prune_pipes();
    /// The process was reaped by the supervisor (ALTER_CONTEXT_REAP_ALL).
    void on_reaped(int code, int sig);
    line_ring &ring() { return ring_; }
    log_file *file(uint8_t stream);
    void close_logs();

    /// Time at which the current process started (wall ms), 0 if none.
    int64_t started_wall_ms() const { return started_wall_ms_; }
    int exit_code() const { return last_exit_.exit_code; }
    int exit_signal() const { return last_exit_.signal; }
    int64_t last_exit_wall_ms() const { return last_exit_wall_ms_; }
    const std::string &last_error() const { return last_error_; }

private:
    static void on_exit_poll(uv_poll_t *h, int status, int events);
    static void on_timer(uv_timer_t *t);
    void do_actions(uint32_t actions, const char *reason);
    void do_spawn(const char *reason);
    void reap();
    void handle_exit(int code, int sig);
    void signal_group(int sig);
    bool group_alive();
    void start_drain();
    void drain_tick();
    void clear_kill_list();
    static void on_drain_timer(uv_timer_t *t);
    void arm_timer(int64_t ms);
    void cancel_timer();
    void emit_state(state from, state to, const char *reason);
    void close_exit_watch();

    app &app_;
    uint32_t index_;
    std::string name_;
    std::string log_name_; // set for transient runs only
    state state_ = state::stopped;
    after_stop after_ = after_stop::stay_stopped;
    pid_t pid_ = 0;
    pid_t last_pid_ = 0; // the process that ended last (for its exit event)
    int pidfd_ = -1;
    uv_poll_t *exit_poll_ = nullptr;
    uv_timer_t *timer_ = nullptr;
    int64_t pending_delay_ms_ = 0;
    pid_t group_ = 0;               // the process group of the last process (its pid at spawn)
    std::vector<int> kill_list_;    // pidfds of the descendants found at stop time (some may leave the group)
    bool draining_ = false;         // stopping: the leader is gone, the rest of its group is not yet
    uv_timer_t *drain_timer_ = nullptr;
    int64_t drain_poll_ms_ = 0;
    int64_t started_mono_ms_ = 0;
    int64_t started_wall_ms_ = 0;
    int64_t last_exit_wall_ms_ = 0;
    exit_info last_exit_;
    restart_history history_;
    uint32_t restarts_ = 0;
    std::string last_error_;
    std::vector<std::unique_ptr<output_pipe>> pipes_;
    std::unique_ptr<log_file> out_file_, err_file_;
    line_ring ring_;
    // stats
    uint64_t cpu_ticks_ = 0;
    int64_t cpu_sample_mono_ = 0;
    double cpu_percent_ = 0;
    uint64_t memory_bytes_ = 0;
    // batching of log lines within one read
    int64_t batch_wall_ms_ = 0;
    const char *batch_stamp_ = nullptr;
    bool closed_ = false;
    friend class app;
};

} // namespace alter::detail
