// SPDX-License-Identifier: MIT
// The /api/v1/auth routes (docs/WEB.md). Password and PIN checks run argon2id on libuv's thread
// pool (run_off_loop) and are rate limited before they start.
#include <cmath>
#include <cstring>
#include <optional>
#include <string>

#include <uv.h>

#include "alter/json.hpp"
#include "alter_net/api_error.hpp"
#include "alter_net/json.hpp"
#include "assets.hpp"
#include "gateway.hpp"

namespace alter_web {

using alter::net::request;
using alter::net::responder;

namespace {

void wipe(std::string &s) noexcept {
    if (!s.empty()) ::explicit_bzero(s.data(), s.size());
    s.clear();
}

std::string session_cookie(const std::string &token) {
    return "alter_session=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
           std::to_string(auth_store::absolute_expiry_ms / 1000);
}

constexpr std::string_view clear_cookie = "alter_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";

void send_ok(responder &res, int status = 200) { res.send(status, R"({"ok":true})"); }

void send_weak_password(responder &res, const strength &s) {
    std::string out;
    alter::json::writer w(out);
    w.begin_object()
        .key("error")
        .begin_object()
        .field("code", "invalid")
        .field("message", s.feedback.empty() ? std::string_view("password not accepted") : s.feedback.front())
        .field("field", "password")
        .end_object()
        .field_raw("strength", strength_json(s))
        .end_object();
    res.send(422, std::move(out));
}

// A string field of at most `max` bytes; answers 422 itself and returns nullopt otherwise.
std::optional<std::string> string_field(const alter::net::json_object &body, responder &res, std::string_view key,
                                        size_t max = max_password_length) {
    auto v = body.get_string(key);
    if (!v) {
        res.send_error("invalid", v.err());
        return std::nullopt;
    }
    if (v->size() > max) {
        res.send(422, alter::net::error_body("invalid", std::string(key) + " is too long"));
        return std::nullopt;
    }
    return std::move(*v);
}

bool require_unlocked(responder &res, bool authenticated, bool locked) {
    if (!authenticated) {
        send_unauthorized(res);
        return false;
    }
    if (locked) {
        send_status_error(res, 423, "locked", "the session is locked: unlock it with the PIN or password");
        return false;
    }
    return true;
}

} // namespace

void gateway::auth_route(std::string_view sub, request &req, responder res, who &w) {
    std::string_view m = req.method();
    bool authed = w.kind != auth_kind::none;
    if (sub == "status" && (m == "GET" || m == "HEAD")) return auth_status(req, std::move(res), w);
    if (sub == "setup" && m == "POST") return auth_setup(req, std::move(res), w);
    if (sub == "login" && m == "POST") return auth_login(req, std::move(res), w);
    if (sub == "logout" && m == "POST") return auth_logout(std::move(res), w);
    if (sub == "strength" && m == "POST") return auth_strength(req, std::move(res));
    if (sub == "unlock" && m == "POST") return auth_unlock(req, std::move(res), w);
    // The rest needs a session or the token, unlocked. Unknown routes look the same as known
    // ones to a caller without credentials.
    if (!require_unlocked(res, authed, w.locked)) return;
    if (sub == "change-password" && m == "POST") return auth_change_password(req, std::move(res), w);
    if (sub == "pin" && m == "POST") return auth_set_pin(req, std::move(res), w);
    if (sub == "pin" && m == "DELETE") return auth_remove_pin(req, std::move(res), w);
    if (sub == "lock" && m == "POST") return auth_lock(std::move(res), w);
    if (sub == "settings" && m == "PATCH") return auth_settings(req, std::move(res), w);
    if (sub == "activity" && m == "POST") return auth_activity(std::move(res), w);
    send_status_error(res, 404, "not_found", "no such auth route");
}

gateway::attempt gateway::attempt_of(const request &req) const {
    return {"ip:" + client_key(req), !req.peer().loopback || is_proxied(req)};
}

bool gateway::take_attempt(responder &res, const attempt &a) {
    int64_t wait = limiter_.acquire({{a.client, opts_.rate_max}, {"remote", a.remote ? opts_.rate_remote_max : 0}}, now_ms());
    if (wait <= 0) return true;
    int64_t secs = (wait + 999) / 1000;
    res.header("Retry-After", std::to_string(secs));
    send_status_error(res, 429, "too_many_requests",
                      "too many attempts: try again in " + std::to_string(secs) + " s");
    log("auth: rate limited (" + a.client + ")");
    return false;
}

void gateway::give_back(const attempt &a) {
    limiter_.release({{a.client, opts_.rate_max}, {"remote", a.remote ? opts_.rate_remote_max : 0}});
}

void gateway::start_session(responder &res, const who &previous) {
    if (previous.kind == auth_kind::session) {
        end_streams(previous.session_id);
        store_.remove(previous.session_id);
    }
    int64_t now = now_ms();
    std::string token = store_.create_session(now);
    res.header("Set-Cookie", session_cookie(token));
    wipe(token);
    if (auto w = store_.take_warning(); !w.empty()) log(w);
}

void gateway::auth_status(request &req, responder res, const who &w) {
    bool authed = w.kind != auth_kind::none;
    std::string out;
    alter::json::writer j(out);
    j.begin_object().field("password_configured", store_.password_configured());
    // Settings are for people who are logged in (locked or not): the lock screen needs them.
    if (authed) j.field("pin_configured", store_.pin_configured()).field("lock_timeout_mins", store_.lock_timeout_mins());
    else j.field_null("pin_configured").field_null("lock_timeout_mins");
    bool needs_code = !store_.password_configured() && (!req.peer().loopback || is_proxied(req));
    j.field("setup_requires_code", needs_code)
        .field("authenticated", authed)
        .field("locked", w.locked)
        .field("auth", w.kind == auth_kind::master ? "token" : w.kind == auth_kind::session ? "session" : "none");
    if (w.kind == auth_kind::session) {
        if (session *s = store_.find_id(w.session_id)) j.field("session_expires_at_ms", static_cast<long long>(auth_store::expires_at(*s)));
    }
    j.field("min_password_length", static_cast<int>(min_password_length)).key("lock_timeout_choices").begin_array();
    for (int t : auth_store::lock_timeouts) j.value(t);
    j.end_array().field("assets", embedded_assets_mode).end_object();
    res.send(200, std::move(out));
}

void gateway::auth_strength(request &req, responder res) {
    auto body = alter::net::read_json_body(req, res);
    if (!body) return;
    auto pw = string_field(*body, res, "password", 4096);
    if (!pw) return;
    std::string out = strength_json(password_strength(*pw));
    wipe(*pw);
    res.send(200, std::move(out));
}

void gateway::auth_setup(request &req, responder res, const who &w) {
    if (store_.password_configured()) return send_status_error(res, 409, "conflict", "a password is already set: log in");
    auto body = alter::net::read_json_body(req, res);
    if (!body) return;
    if (auto st = body->check_keys({"password", "setup_code"}); !st) return res.send_error("invalid", st.err());
    auto pw = string_field(*body, res, "password");
    if (!pw) return;
    strength s = password_strength(*pw);
    if (!s.acceptable) return send_weak_password(res, s);
    if (!req.peer().loopback || is_proxied(req)) {
        attempt at = attempt_of(req);
        if (!take_attempt(res, at)) return;
        auto code = body->get_string_or("setup_code", "");
        const std::string &want = store_.setup_code();
        if (!code || want.empty() || !constant_time_equal(normalize_setup_code(*code), want)) {
            log("auth: setup refused (wrong setup code) from " + req.peer().address);
            return send_status_error(res, 403, "forbidden",
                                     "setting the password from another machine needs the setup code (`alter web` prints it)");
        }
        give_back(at);
    }
    auto hash = std::make_shared<std::optional<std::string>>();
    auto secret = std::make_shared<std::string>(std::move(*pw));
    run_off_loop(
        loop_, [hash, secret, cost = opts_.cost] { *hash = hash_secret(*secret, cost); },
        [this, hash, secret, res, w, s]() mutable {
            wipe(*secret);
            if (store_.password_configured()) return send_status_error(res, 409, "conflict", "a password is already set: log in");
            if (!*hash) return send_status_error(res, 500, "internal", "hashing the password failed");
            if (auto st = store_.set_password_hash(std::move(**hash)); !st) return send_status_error(res, 500, "internal", st.err().message);
            log("auth: password set up");
            start_session(res, w);
            std::string out;
            alter::json::writer j(out);
            j.begin_object().field("ok", true).field_raw("strength", strength_json(s)).end_object();
            res.send(201, std::move(out));
        });
}

void gateway::auth_login(request &req, responder res, const who &w) {
    if (!store_.password_configured())
        return send_status_error(res, 409, "conflict", "no password is set yet: POST /api/v1/auth/setup");
    auto body = alter::net::read_json_body(req, res);
    if (!body) return;
    auto pw = string_field(*body, res, "password");
    if (!pw) return;
    attempt at = attempt_of(req);
    if (!take_attempt(res, at)) return;
    auto ok = std::make_shared<bool>(false);
    auto secret = std::make_shared<std::string>(std::move(*pw));
    std::string hash = store_.password_hash();
    std::string addr = req.peer().address;
    run_off_loop(
        loop_, [ok, secret, hash] { *ok = verify_secret(*secret, hash); },
        [this, ok, secret, res, w, at, addr]() mutable {
            wipe(*secret);
            if (!*ok) {
                log("auth: failed login from " + addr);
                return send_status_error(res, 401, "unauthorized", "wrong password");
            }
            give_back(at);
            log("auth: login from " + addr);
            start_session(res, w);
            std::string out;
            alter::json::writer j(out);
            j.begin_object()
                .field("ok", true)
                .field("idle_expiry_secs", static_cast<long long>(auth_store::idle_expiry_ms / 1000))
                .field("absolute_expiry_secs", static_cast<long long>(auth_store::absolute_expiry_ms / 1000))
                .end_object();
            res.send(200, std::move(out));
        });
}

void gateway::auth_logout(responder res, const who &w) {
    if (w.kind == auth_kind::session) {
        end_streams(w.session_id);
        store_.remove(w.session_id);
    }
    res.header("Set-Cookie", clear_cookie);
    send_ok(res);
}

void gateway::auth_change_password(request &req, responder res, const who &w) {
    auto body = alter::net::read_json_body(req, res);
    if (!body) return;
    auto cur = string_field(*body, res, "current_password");
    if (!cur) return;
    auto next = string_field(*body, res, "new_password");
    if (!next) return;
    strength s = password_strength(*next);
    if (!s.acceptable) return send_weak_password(res, s);
    attempt at = attempt_of(req);
    if (!take_attempt(res, at)) return;
    struct job {
        std::string current, next, hash;
        std::optional<std::string> new_hash;
        bool ok = false;
    };
    auto j = std::make_shared<job>();
    j->current = std::move(*cur);
    j->next = std::move(*next);
    j->hash = store_.password_hash();
    run_off_loop(
        loop_,
        [j, cost = opts_.cost] {
            j->ok = verify_secret(j->current, j->hash);
            if (j->ok) j->new_hash = hash_secret(j->next, cost);
        },
        [this, j, res, w, at, s]() mutable {
            wipe(j->current);
            wipe(j->next);
            if (!j->ok) return send_status_error(res, 401, "unauthorized", "wrong current password");
            give_back(at);
            if (!j->new_hash) return send_status_error(res, 500, "internal", "hashing the password failed");
            if (auto st = store_.set_password_hash(std::move(*j->new_hash)); !st)
                return send_status_error(res, 500, "internal", st.err().message);
            // Everyone else logs in again with the new password.
            std::vector<std::string> others;
            for (const auto &[id, ignored] : live_)
                if (id != w.session_id) others.push_back(id);
            for (const auto &id : others) end_streams(id);
            store_.remove_all_except(w.kind == auth_kind::session ? w.session_id : std::string());
            log("auth: password changed; other sessions ended");
            std::string out;
            alter::json::writer o(out);
            o.begin_object().field("ok", true).field_raw("strength", strength_json(s)).end_object();
            res.send(200, std::move(out));
        });
}

void gateway::auth_set_pin(request &req, responder res, const who &) {
    auto body = alter::net::read_json_body(req, res);
    if (!body) return;
    auto pin = string_field(*body, res, "pin", 16);
    if (!pin) return;
    auto pw = string_field(*body, res, "password");
    if (!pw) return;
    if (!valid_pin(*pin)) return send_status_error(res, 422, "invalid", "the PIN must be 4 or 6 digits");
    attempt at = attempt_of(req);
    if (!take_attempt(res, at)) return;
    struct job {
        std::string pin, password, hash;
        std::optional<std::string> pin_hash;
        bool ok = false;
    };
    auto j = std::make_shared<job>();
    j->pin = std::move(*pin);
    j->password = std::move(*pw);
    j->hash = store_.password_hash();
    run_off_loop(
        loop_,
        [j, cost = opts_.cost] {
            j->ok = verify_secret(j->password, j->hash);
            if (j->ok) j->pin_hash = hash_secret(j->pin, cost);
        },
        [this, j, res, at]() mutable {
            wipe(j->pin);
            wipe(j->password);
            if (!j->ok) return send_status_error(res, 401, "unauthorized", "wrong password");
            give_back(at);
            if (!j->pin_hash) return send_status_error(res, 500, "internal", "hashing the PIN failed");
            if (auto st = store_.set_pin_hash(std::move(*j->pin_hash)); !st) return send_status_error(res, 500, "internal", st.err().message);
            log("auth: PIN set");
            send_ok(res);
        });
}

// Removing the PIN weakens the lock screen: like setting it, it takes the password.
void gateway::auth_remove_pin(request &req, responder res, const who &) {
    auto body = alter::net::read_json_body(req, res);
    if (!body) return;
    if (auto st = body->check_keys({"password"}); !st) return res.send_error("invalid", st.err());
    auto pw = string_field(*body, res, "password");
    if (!pw) return;
    if (!store_.pin_configured()) return send_ok(res);
    attempt at = attempt_of(req);
    if (!take_attempt(res, at)) return;
    auto ok = std::make_shared<bool>(false);
    auto secret = std::make_shared<std::string>(std::move(*pw));
    std::string hash = store_.password_hash();
    run_off_loop(
        loop_, [ok, secret, hash] { *ok = verify_secret(*secret, hash); },
        [this, ok, secret, res, at]() mutable {
            wipe(*secret);
            if (!*ok) return send_status_error(res, 401, "unauthorized", "wrong password");
            give_back(at);
            if (auto st = store_.set_pin_hash(std::string()); !st) return send_status_error(res, 500, "internal", st.err().message);
            log("auth: PIN removed");
            send_ok(res);
        });
}

void gateway::auth_lock(responder res, const who &w) {
    if (w.kind != auth_kind::session)
        return send_status_error(res, 400, "bad_request", "only a browser session can be locked (the master token cannot)");
    if (session *s = store_.find_id(w.session_id)) {
        s->locked = true;
        store_.save_now();
    }
    end_streams(w.session_id);
    res.send(200, R"({"ok":true,"locked":true})");
}

void gateway::auth_unlock(request &req, responder res, const who &w) {
    if (w.kind == auth_kind::none) return send_unauthorized(res);
    if (w.kind == auth_kind::master || !w.locked) return res.send(200, R"({"ok":true,"locked":false})");
    auto body = alter::net::read_json_body(req, res);
    if (!body) return;
    if (auto st = body->check_keys({"pin", "password"}); !st) return res.send_error("invalid", st.err());
    bool by_pin = body->has("pin");
    if (by_pin == body->has("password")) return send_status_error(res, 422, "invalid", "give either pin or password");
    auto secret = string_field(*body, res, by_pin ? "pin" : "password");
    if (!secret) return;
    std::string hash;
    if (by_pin) {
        if (!store_.pin_configured()) return send_status_error(res, 409, "conflict", "no PIN is set: unlock with the password");
        session *s = store_.find_id(w.session_id);
        if (s != nullptr && s->pin_failures >= auth_store::max_pin_failures)
            return send_status_error(res, 403, "forbidden", "too many wrong PINs: unlock with the password");
        hash = store_.pin_hash();
    } else {
        hash = store_.password_hash();
    }
    attempt at = attempt_of(req);
    if (!take_attempt(res, at)) return;
    auto ok = std::make_shared<bool>(false);
    auto sec = std::make_shared<std::string>(std::move(*secret));
    run_off_loop(
        loop_, [ok, sec, hash] { *ok = verify_secret(*sec, hash); },
        [this, ok, sec, res, id = w.session_id, at, by_pin]() mutable {
            wipe(*sec);
            session *s = store_.find_id(id);
            if (s == nullptr) return send_unauthorized(res); // logged out meanwhile
            if (!*ok) {
                if (by_pin) {
                    ++s->pin_failures;
                    store_.save_now();
                    int left = std::max(0, auth_store::max_pin_failures - s->pin_failures);
                    return send_status_error(res, 401, "unauthorized",
                                             left > 0 ? "wrong PIN (" + std::to_string(left) + " tries left before the password is needed)"
                                                      : std::string("wrong PIN: unlock with the password now"));
                }
                return send_status_error(res, 401, "unauthorized", "wrong password");
            }
            give_back(at);
            s->locked = false;
            s->pin_failures = 0;
            s->last_active_ms = now_ms();
            store_.save_now();
            res.send(200, R"({"ok":true,"locked":false})");
        });
}

void gateway::auth_settings(request &req, responder res, const who &) {
    auto body = alter::net::read_json_body(req, res);
    if (!body) return;
    if (auto st = body->check_keys({"lock_timeout_mins"}); !st) return res.send_error("invalid", st.err());
    auto mins = body->get_int_or("lock_timeout_mins", 0);
    if (!mins) return res.send_error("invalid", mins.err());
    bool allowed = false;
    for (int t : auth_store::lock_timeouts) allowed = allowed || t == *mins;
    if (!allowed) return send_status_error(res, 422, "invalid", "lock_timeout_mins must be one of 0 (off), 5, 10, 15, 30, 60");
    if (auto st = store_.set_lock_timeout(static_cast<int>(*mins)); !st) return send_status_error(res, 500, "internal", st.err().message);
    std::string out;
    alter::json::writer j(out);
    j.begin_object().field("ok", true).field("lock_timeout_mins", store_.lock_timeout_mins()).end_object();
    res.send(200, std::move(out));
}

void gateway::auth_activity(responder res, const who &w) {
    if (w.kind == auth_kind::session) {
        if (session *s = store_.find_id(w.session_id)) {
            s->last_active_ms = now_ms();
            store_.touch();
        }
    }
    res.send_empty(204);
}

} // namespace alter_web
