// SPDX-License-Identifier: MIT
// The alter-web server: the dashboard's static files, the /api/v1/auth routes (auth_api.cpp),
// and every other /api/v1 request forwarded to alterd's unix socket after authentication
// (responses streamed back as they come, so SSE passes through live).
//
// Order of checks for every request (docs/WEB.md):
//   1. security headers on the response (whatever the outcome);
//   2. Host must be on the allow-list (DNS rebinding) -> 403;
//   3. state-changing methods: an Origin that is present must be ours -> 403;
//   4. /api/...: no credentials in the query string -> 401; the Authorization: Bearer master
//      token or the session cookie -> else 401 (one body for every route, known or not);
//      with a cookie, a state-changing request needs Origin or Sec-Fetch-Site: same-origin
//      -> 403; a locked session may only use auth/status, auth/unlock and auth/logout -> 423;
//   5. everything else is a static file (public: the login page is part of the dashboard).
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "alter_net/async_client.hpp"
#include "alter_net/server.hpp"
#include "auth_store.hpp"
#include "rate_limit.hpp"
#include "secrets.hpp"
#include "security.hpp"

extern "C" {
typedef struct uv_loop_s uv_loop_t;
typedef struct uv_timer_s uv_timer_t;
}

namespace alter_web {

struct gateway_options {
    std::string home;   // the data dir (auth.json, sessions, setup code, web.json)
    std::string socket; // alterd's API socket; empty: <home>/alterd.sock
    std::string bind = "127.0.0.1";
    uint16_t port = 2999; // 0: any free port (written to <home>/web.json)
    std::vector<std::string> allow_hosts;
    argon2_cost cost;
    size_t rate_max = 5;            // credential checks per client and window
    size_t rate_remote_max = 100;   // ... by all clients not on this machine together
    int64_t rate_window_ms = 60'000;
    std::function<void(std::string_view)> log; // one line, no newline
};

class gateway {
public:
    gateway(uv_loop_t *loop, gateway_options opts);
    ~gateway();
    gateway(const gateway &) = delete;
    gateway &operator=(const gateway &) = delete;

    /// Load the auth state, listen, write <home>/web.json. 0 or -errno (the port is taken...).
    [[nodiscard]] int start();
    [[nodiscard]] uint16_t port() const noexcept;
    /// Save the sessions, close every connection, remove web.json; `done` once all is closed.
    void stop(std::function<void()> done);

private:
    enum class auth_kind { none, master, session };
    struct who {
        auth_kind kind = auth_kind::none;
        std::string session_id;
        bool locked = false;
        bool cookie = false; // a session cookie was sent (valid or not)
    };
    struct live_call;
    // Who a credential check is counted against: the client, and "remote" unless it is on
    // this machine (loopback, not proxied), so that nobody elsewhere can lock out the owner.
    struct attempt {
        std::string client;
        bool remote = false;
    };

    void handle(alter::net::request &req, alter::net::responder res);
    who authenticate(const alter::net::request &req, int64_t now);
    void forward(alter::net::request &req, alter::net::responder res, const who &w);
    void end_streams(const std::string &session_id);
    void housekeeping();
    void write_web_info();
    /// http://BIND:PORT/ (a wildcard bind: the loopback address): what web.json and the log say.
    [[nodiscard]] std::string url() const;
    [[nodiscard]] bool wildcard_bind() const;

    // auth_api.cpp
    void auth_route(std::string_view sub, alter::net::request &req, alter::net::responder res, who &w);
    void auth_status(alter::net::request &req, alter::net::responder res, const who &w);
    void auth_setup(alter::net::request &req, alter::net::responder res, const who &w);
    void auth_login(alter::net::request &req, alter::net::responder res, const who &w);
    void auth_logout(alter::net::responder res, const who &w);
    void auth_change_password(alter::net::request &req, alter::net::responder res, const who &w);
    void auth_set_pin(alter::net::request &req, alter::net::responder res, const who &w);
    void auth_remove_pin(alter::net::request &req, alter::net::responder res, const who &w);
    void auth_lock(alter::net::responder res, const who &w);
    void auth_unlock(alter::net::request &req, alter::net::responder res, const who &w);
    void auth_settings(alter::net::request &req, alter::net::responder res, const who &w);
    void auth_activity(alter::net::responder res, const who &w);
    void auth_strength(alter::net::request &req, alter::net::responder res);
    [[nodiscard]] attempt attempt_of(const alter::net::request &req) const;
    /// 429 with Retry-After if the client (or, from elsewhere, all remote clients) is over the
    /// limit; else counts the attempt, true.
    bool take_attempt(alter::net::responder &res, const attempt &a);
    /// A check that succeeded does not count.
    void give_back(const attempt &a);
    void start_session(alter::net::responder &res, const who &previous);
    void log(std::string_view line) const;

    uv_loop_t *loop_;
    gateway_options opts_;
    host_policy hosts_;
    auth_store store_;
    rate_limiter limiter_;
    alter::net::async_client upstream_;
    std::unique_ptr<alter::net::server> server_;
    uv_timer_t *timer_ = nullptr;
    std::unordered_map<std::string, std::vector<std::weak_ptr<live_call>>> live_;
    std::string web_info_path_;
};

/// Unix time in ms.
[[nodiscard]] int64_t now_ms() noexcept;
/// The generic 401: the same body for every route, so nothing is learnt without credentials.
void send_unauthorized(alter::net::responder &res);
/// {"error":{"code","message"}} with an explicit status.
void send_status_error(alter::net::responder &res, int status, std::string_view code, std::string_view message);

} // namespace alter_web
