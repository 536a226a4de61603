// SPDX-License-Identifier: MIT
// alterd: one thread, one libuv loop shared by the supervisor (libalter, caller-thread mode)
// and the /api/v1 HTTP server on alterd.sock. Signals: SIGTERM/SIGINT shut down gracefully
// (save, stop the apps), SIGCHLD reaps re-parented grandchildren (we are a child subreaper),
// SIGHUP reopens nothing and only logs (reserved).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <uv.h>

#include "alter/alter.h"
#include "alter_net/router.hpp"
#include "alter_net/server.hpp"
#include "history.hpp"
#include "home.hpp"
#include "stats_feed.hpp"

namespace alterd {

struct daemon_options {
    home_paths home;
    bool web = true;               // supervise alter-web (the dashboard) as a child
    std::string web_bind = "127.0.0.1";
    int web_port = 2999;           // 0: any free port (alter-web writes it to <home>/web.json)
    std::vector<std::string> web_allow_hosts; // extra Host names for alter-web (--allow-host)
    int64_t stats_interval_ms = 0; // background sampling; 0: only while an event stream asks (2 s)
    int ready_fd = -1;             // written to ("ok\n" or an error) once serving
};

class daemon {
public:
    explicit daemon(daemon_options opts);
    ~daemon();
    daemon(const daemon &) = delete;
    daemon &operator=(const daemon &) = delete;

    /// Set everything up, serve until shut down. The process exit code.
    int run();

    // for the API handlers (loop thread)
    alter_context_t *ctx() { return ctx_; }
    uv_loop_t *loop() { return loop_; }
    const daemon_options &options() const { return opts_; }
    const home_paths &home() const { return opts_.home; }
    stats_feed &stats() { return *stats_; }
    const history &hist() const { return history_; }
    int64_t started_ms() const { return started_ms_; }
    void log(std::string_view line);
    /// Save, stop every app, close the server, end the loop. Idempotent.
    void shutdown(const char *why);
    bool shutting_down() const { return shutting_down_; }

private:
    static void on_signal(uv_signal_t *h, int signum);
    void add_routes();
    void ready(std::string_view message);
    void on_event(const alter_event_t &e);
    // Event lines for daemon.log are written after the callback that produced them (a crash
    // is logged after the replacement is spawned, not before: no file write on that path).
    static void on_log_flush(uv_timer_t *t);
    void flush_log();
    // alter-web: supervised in a private context (own thread, no state file), so it never
    // shows in the app list and its crashes never reach the supervisor (daemon.cpp, "web").
    void start_web();

    daemon_options opts_;
    alter_context_t *ctx_ = nullptr;
    uv_loop_t *loop_ = nullptr;
    alter_logfile_t *log_ = nullptr;
    uv_timer_t log_flush_{};
    std::vector<std::string> pending_log_;
    alter::net::router router_;
    std::unique_ptr<stats_feed> stats_;
    history history_;
    std::unique_ptr<alter::net::server> server_;
    uv_signal_t signals_[4]{};
    int64_t started_ms_ = 0;
    bool shutting_down_ = false;
    int exit_code_ = 0;
};

/// Route groups (api_*.cpp).
void add_system_routes(alter::net::router &r, daemon &d);
void add_process_routes(alter::net::router &r, daemon &d);
void add_log_routes(alter::net::router &r, daemon &d);
void add_ecosystem_routes(alter::net::router &r, daemon &d);
void add_history_routes(alter::net::router &r, daemon &d);

} // namespace alterd
