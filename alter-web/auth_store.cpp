// SPDX-License-Identifier: MIT
#include "auth_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alter/alter.h"
#include "alter/json.hpp"
#include "alter_net/json.hpp"
#include "secrets.hpp"
#include "sha256.hpp"

namespace alter_web {

using alter::net::error;
using alter::net::json_object;

namespace {

constexpr size_t max_file = 4 * 1024 * 1024;

bool read_file(const std::string &path, std::string &out, int &err) {
    out.clear();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = errno;
        return false;
    }
    char buf[16384];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 && out.size() < max_file) out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return true;
}

bool write_file(const std::string &path, const std::string &text, std::string &warning) {
    if (alter_write_file_atomic(path.c_str(), text.data(), text.size(), 0600) < 0) {
        warning = "cannot write " + path + ": " + alter_last_error();
        return false;
    }
    return true;
}

} // namespace

auth_store::auth_store(const std::string &home)
    : auth_path_(home + "/auth.json"), sessions_path_(home + "/web-sessions.json"),
      setup_code_path_(home + "/web-setup-code") {}

status auth_store::load(int64_t now) {
    status st = read_auth();
    read_sessions(now);
    if (!password_configured()) write_setup_code();
    else ::unlink(setup_code_path_.c_str());
    return st;
}

void auth_store::refresh() {
    struct stat sb {};
    if (::stat(auth_path_.c_str(), &sb) != 0) return;
    file_id id{static_cast<uint64_t>(sb.st_ino), static_cast<uint64_t>(sb.st_size),
               static_cast<int64_t>(sb.st_mtim.tv_sec) * 1'000'000'000 + sb.st_mtim.tv_nsec};
    if (id == auth_id_) return;
    bool had_password = password_configured();
    if (read_auth() && had_password && !password_configured()) write_setup_code(); // password reset by hand
}

status auth_store::read_auth() {
    std::string text;
    int err = 0;
    struct stat sb {};
    if (::stat(auth_path_.c_str(), &sb) == 0)
        auth_id_ = {static_cast<uint64_t>(sb.st_ino), static_cast<uint64_t>(sb.st_size),
                    static_cast<int64_t>(sb.st_mtim.tv_sec) * 1'000'000'000 + sb.st_mtim.tv_nsec};
    if (!read_file(auth_path_, text, err)) return error(-err, "cannot read " + auth_path_ + ": " + std::strerror(err));
    auto doc = json_object::parse(text);
    if (!doc) return error(doc.err().code, auth_path_ + ": " + doc.err().message);
    auto tok = doc->get_string_or("master_token", "");
    auto pw = doc->get_string_or("password_hash", "");
    auto pin = doc->get_string_or("pin_hash", "");
    auto lock = doc->get_int_or("lock_timeout_mins", 0);
    master_token_ = tok ? *tok : std::string();
    password_hash_ = pw ? *pw : std::string();
    pin_hash_ = pin ? *pin : std::string();
    lock_timeout_mins_ = lock ? static_cast<int>(std::clamp<int64_t>(*lock, 0, 24 * 60)) : 0;
    return {};
}

status auth_store::write_auth() {
    // Re-read the file so keys written by others (alterd's master_token, future settings) stay.
    std::string text, out;
    int err = 0;
    alter::json::writer w(out);
    w.begin_object();
    if (read_file(auth_path_, text, err)) {
        auto doc = json_object::parse(text);
        if (!doc) return error(doc.err().code, "not rewriting " + auth_path_ + " (" + doc.err().message + ")");
        for (const auto &k : doc->keys()) {
            if (k == "password_hash" || k == "pin_hash" || k == "lock_timeout_mins") continue;
            if (auto raw = doc->get_raw(k)) w.field_raw(k, *raw);
        }
    } else if (err != ENOENT) {
        return error(-err, "cannot read " + auth_path_ + ": " + std::strerror(err));
    }
    if (password_hash_.empty()) w.field_null("password_hash");
    else w.field("password_hash", password_hash_);
    if (pin_hash_.empty()) w.field_null("pin_hash");
    else w.field("pin_hash", pin_hash_);
    if (lock_timeout_mins_ == 0) w.field_null("lock_timeout_mins");
    else w.field("lock_timeout_mins", lock_timeout_mins_);
    w.end_object();
    out.push_back('\n');
    if (alter_write_file_atomic(auth_path_.c_str(), out.data(), out.size(), 0600) < 0)
        return error(-EIO, "cannot write " + auth_path_ + ": " + alter_last_error());
    struct stat sb {};
    if (::stat(auth_path_.c_str(), &sb) == 0)
        auth_id_ = {static_cast<uint64_t>(sb.st_ino), static_cast<uint64_t>(sb.st_size),
                    static_cast<int64_t>(sb.st_mtim.tv_sec) * 1'000'000'000 + sb.st_mtim.tv_nsec};
    return {};
}

status auth_store::set_password_hash(std::string hash) {
    std::string old = std::exchange(password_hash_, std::move(hash));
    if (auto st = write_auth(); !st) {
        password_hash_ = std::move(old);
        return st;
    }
    setup_code_.clear();
    ::unlink(setup_code_path_.c_str());
    return {};
}

status auth_store::set_pin_hash(std::string hash) {
    std::string old = std::exchange(pin_hash_, std::move(hash));
    if (auto st = write_auth(); !st) {
        pin_hash_ = std::move(old);
        return st;
    }
    return {};
}

status auth_store::set_lock_timeout(int mins) {
    int old = std::exchange(lock_timeout_mins_, mins);
    if (auto st = write_auth(); !st) {
        lock_timeout_mins_ = old;
        return st;
    }
    return {};
}

void auth_store::write_setup_code() {
    std::string code = random_setup_code();
    if (write_file(setup_code_path_, code + "\n", warning_)) setup_code_ = normalize_setup_code(code);
    else setup_code_.clear(); // nobody can read it: only loopback setup then
}

// ---- sessions ----

int64_t auth_store::expires_at(const session &s) noexcept {
    return std::min(s.last_seen_ms + idle_expiry_ms, s.created_ms + absolute_expiry_ms);
}

bool auth_store::apply_lock(session &s, int64_t now) const {
    if (s.locked || lock_timeout_mins_ <= 0) return false;
    if (now - s.last_active_ms < static_cast<int64_t>(lock_timeout_mins_) * 60'000) return false;
    s.locked = true;
    return true;
}

std::string auth_store::create_session(int64_t now) {
    if (sessions_.size() >= max_sessions) {
        auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto &a, const auto &b) {
            return a.second.last_seen_ms < b.second.last_seen_ms;
        });
        sessions_.erase(oldest);
    }
    std::string token = random_hex(32);
    session s;
    s.id = sha256_hex(token);
    s.created_ms = s.last_seen_ms = s.last_active_ms = now;
    sessions_[s.id] = s;
    write_sessions();
    return token;
}

session *auth_store::find(std::string_view token, int64_t now) {
    if (token.size() != 64) return nullptr;
    auto it = sessions_.find(sha256_hex(token));
    if (it == sessions_.end()) return nullptr;
    session &s = it->second;
    if (now >= expires_at(s)) {
        sessions_.erase(it);
        write_sessions();
        return nullptr;
    }
    if (apply_lock(s, now)) write_sessions();
    if (now - s.last_seen_ms >= 1000) {
        s.last_seen_ms = now;
        dirty_ = true;
    }
    return &s;
}

session *auth_store::find_id(const std::string &id) {
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : &it->second;
}

void auth_store::remove(const std::string &id) {
    if (sessions_.erase(id) != 0) write_sessions();
}

void auth_store::remove_all_except(const std::string &keep_id) {
    for (auto it = sessions_.begin(); it != sessions_.end();) it = it->first == keep_id ? std::next(it) : sessions_.erase(it);
    write_sessions();
}

void auth_store::save_now() { write_sessions(); }

void auth_store::flush() {
    if (dirty_) write_sessions();
}

std::vector<std::string> auth_store::sweep(int64_t now) {
    std::vector<std::string> ended;
    bool changed = false;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
        if (now >= expires_at(it->second)) {
            ended.push_back(it->first);
            it = sessions_.erase(it);
            changed = true;
            continue;
        }
        if (apply_lock(it->second, now)) {
            ended.push_back(it->first);
            changed = true;
        }
        ++it;
    }
    if (changed) write_sessions();
    return ended;
}

void auth_store::read_sessions(int64_t now) {
    sessions_.clear();
    std::string text;
    int err = 0;
    if (!read_file(sessions_path_, text, err)) return;
    auto doc = json_object::parse(text);
    if (!doc) {
        warning_ = sessions_path_ + ": " + doc.err().message + " (sessions dropped)";
        return;
    }
    auto list = doc->get_raw_array("sessions");
    if (!list) return;
    for (const auto &raw : *list) {
        auto o = json_object::parse(raw);
        if (!o) continue;
        auto id = o->get_string("id");
        auto created = o->get_int("created_ms");
        auto seen = o->get_int("last_seen_ms");
        auto active = o->get_int_or("last_active_ms", 0);
        auto locked = o->get_bool_or("locked", false);
        auto fails = o->get_int_or("pin_failures", 0);
        if (!id || id->size() != 64 || !created || !seen || !active || !locked || !fails) continue;
        session s;
        s.id = *id;
        s.created_ms = *created;
        s.last_seen_ms = *seen;
        s.last_active_ms = *active;
        s.locked = *locked;
        s.pin_failures = static_cast<int>(std::clamp<int64_t>(*fails, 0, max_pin_failures));
        if (now >= expires_at(s) || sessions_.size() >= max_sessions) continue;
        sessions_[s.id] = s;
    }
}

void auth_store::write_sessions() {
    std::string out;
    alter::json::writer w(out);
    w.begin_object().field("version", 1).key("sessions").begin_array();
    for (const auto &[id, s] : sessions_) {
        w.begin_object()
            .field("id", id)
            .field("created_ms", static_cast<long long>(s.created_ms))
            .field("last_seen_ms", static_cast<long long>(s.last_seen_ms))
            .field("last_active_ms", static_cast<long long>(s.last_active_ms))
            .field("locked", s.locked)
            .field("pin_failures", s.pin_failures)
            .end_object();
    }
    w.end_array().end_object();
    out.push_back('\n');
    if (write_file(sessions_path_, out, warning_)) dirty_ = false;
}

} // namespace alter_web
