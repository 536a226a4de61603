// SPDX-License-Identifier: MIT
// What every command shares: the global options, the data dir, the connection to alterd (its
// unix socket, or a remote alter-web with a Bearer token) and the way errors are reported.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "alter_net/client.hpp"
#include "args.hpp"
#include "json_reader.hpp"
#include "term.hpp"

namespace alter::cli {

/// The data dir exactly as alterd resolves it (alterd/home.cpp resolve_home): --home, else
/// $ALTER_HOME, else $HOME/.alter-pm2; trailing slashes dropped, made absolute.
[[nodiscard]] std::string resolve_home(const std::string &flag);

class session {
public:
    // Global options (main.cpp fills them).
    bool json = false;
    bool no_color = false;
    std::string home_flag;
    std::string server; // --server URL: a remote alter-web
    std::string token;  // --token / ALTER_TOKEN

    /// Resolve the data dir and the colour decisions; call once after the options are set.
    void init();

    [[nodiscard]] const std::string &home() const noexcept { return home_; }
    [[nodiscard]] std::string socket_path() const { return home_ + "/alterd.sock"; }
    [[nodiscard]] bool remote() const noexcept { return !server.empty(); }
    [[nodiscard]] bool color_out() const noexcept { return color_out_; }
    [[nodiscard]] bool color_err() const noexcept { return color_err_; }
    /// "alter" or "alter --home DIR": the prefix of commands suggested in messages.
    [[nodiscard]] std::string self_cmd() const;

    /// Send one request. Transport failures are reported (daemon not running: the hint to start
    /// it) and give exit_not_running or exit_error; any HTTP status is returned in `out` with
    /// exit_ok.
    [[nodiscard]] int call(std::string_view method, std::string_view target, std::string_view body,
                           alter::net::client_response &out);
    /// call() and also report an HTTP error status (exit_error).
    [[nodiscard]] int api(std::string_view method, std::string_view target, std::string_view body,
                          alter::net::client_response &out);
    /// api() and parse the JSON answer.
    [[nodiscard]] int api_json(std::string_view method, std::string_view target, std::string_view body,
                               jvalue &out);
    /// True if the daemon answers GET /api/v1/system/health (nothing printed); its answer in `out`.
    [[nodiscard]] bool probe(jvalue &health);
    /// The pid of a daemon that holds the data dir's lock (alterd.pid) but no longer answers:
    /// one that is shutting down (it stops taking requests first, then stops its apps). 0 if
    /// none, or remote.
    [[nodiscard]] int stopping_pid() const;

    /// Follow an SSE stream (no inactivity limit) on a connection of its own. Nothing printed.
    [[nodiscard]] alter::net::result<alter::net::client_response> stream(std::string_view target,
                                                                        alter::net::sse_parser::event_fn on_event);
    /// Report a transport error as call() does: exit_not_running or exit_error.
    int transport_error(const alter::net::error &e);

    /// Print an API error answer (message, file:line:column, field, hint); returns exit_error.
    /// `file`: the path the user typed, shown instead of the daemon's name for it (its base name).
    int report_http_error(const alter::net::client_response &r, std::string_view file = {});
    /// "error: ..." on stderr (and {"error":...} on stdout with --json); returns `code`.
    int fail(int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
    /// "warning: ..." on stderr.
    void warn(const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    /// Print the daemon-not-running message; returns exit_not_running.
    int not_running();

    /// The dashboard's address: $ALTER_WEB_URL, else the "url" alter-web wrote to
    /// <home>/web.json (while its pid lives), else http://127.0.0.1:<default_port>/.
    [[nodiscard]] std::string web_url(int default_port = 2999) const;

    /// Print an answer body as is (the --json passthrough), with a final newline.
    static void print_raw(std::string_view body);

    /// "/api/v1/processes/" + the percent-encoded target.
    [[nodiscard]] static std::string proc_path(std::string_view target, std::string_view suffix = {});

private:
    alter::net::client &client();
    alter::net::client_request make(std::string_view method, std::string_view target, std::string_view body) const;

    std::string home_;
    bool color_out_ = false;
    bool color_err_ = false;
    std::unique_ptr<alter::net::client> client_;
};

} // namespace alter::cli
