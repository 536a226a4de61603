// SPDX-License-Identifier: MIT
// What alter-web remembers about people, on disk in the data dir (every file 0600, written
// atomically with alter_write_file_atomic):
//
//   auth.json          master_token (written by alterd), password_hash, pin_hash (argon2id PHC
//                      strings), lock_timeout_mins. Keys alter-web does not know are kept.
//   web-sessions.json  {"version":1,"sessions":[{"id","created_ms","last_seen_ms",
//                      "last_active_ms","locked","pin_failures"}]}: the id is the SHA-256 of the
//                      session token (the token itself is only in the browser's cookie), so the
//                      file does not let anyone log in.
//   web-setup-code     while no password is set: a fresh one-time code, for setting the password
//                      from a browser that is not on this machine (`alter web` prints it).
//
// Sessions expire 7 days after they were last used and 30 days after login at the latest. An
// unlocked session locks itself after lock_timeout_mins without user activity.
//
// Loop thread only. Time is passed in (unix ms).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alter_net/http.hpp"

namespace alter_web {

using alter::net::status;

struct session {
    std::string id; // sha256 hex of the token
    int64_t created_ms = 0;
    int64_t last_seen_ms = 0;   // any request: drives the sliding expiry
    int64_t last_active_ms = 0; // user activity: drives the inactivity lock
    bool locked = false;
    int pin_failures = 0;       // since the last unlock; at max_pin_failures the PIN stops working
};

class auth_store {
public:
    static constexpr int64_t idle_expiry_ms = 7LL * 24 * 3600 * 1000;
    static constexpr int64_t absolute_expiry_ms = 30LL * 24 * 3600 * 1000;
    static constexpr size_t max_sessions = 64;
    static constexpr int max_pin_failures = 5;
    /// The lock timeouts the UI offers (0: never).
    static constexpr int lock_timeouts[] = {0, 5, 10, 15, 30, 60};

    explicit auth_store(const std::string &home);

    /// Read auth.json and the sessions; drop expired sessions; write a fresh setup code if no
    /// password is set. Errors are reported, not fatal (the store starts empty).
    status load(int64_t now);
    /// Re-read auth.json if it changed on disk (another program replaced the master token).
    void refresh();

    // ---- credentials ----
    [[nodiscard]] const std::string &master_token() const noexcept { return master_token_; }
    [[nodiscard]] const std::string &password_hash() const noexcept { return password_hash_; }
    [[nodiscard]] const std::string &pin_hash() const noexcept { return pin_hash_; }
    [[nodiscard]] bool password_configured() const noexcept { return !password_hash_.empty(); }
    [[nodiscard]] bool pin_configured() const noexcept { return !pin_hash_.empty(); }
    [[nodiscard]] int lock_timeout_mins() const noexcept { return lock_timeout_mins_; }
    /// The current setup code, normalised (empty once a password is set).
    [[nodiscard]] const std::string &setup_code() const noexcept { return setup_code_; }

    /// Store a new password hash (removes the setup code file). Writes auth.json.
    status set_password_hash(std::string hash);
    /// Store (or with "" remove) the PIN hash. Writes auth.json.
    status set_pin_hash(std::string hash);
    status set_lock_timeout(int mins);

    // ---- sessions ----
    /// A new unlocked session; returns its token (64 hex digits). Written at once.
    std::string create_session(int64_t now);
    /// The session a token belongs to, or nullptr (unknown or expired; an expired one is
    /// removed). Applies the inactivity lock and refreshes last_seen (written later: flush()).
    session *find(std::string_view token, int64_t now);
    session *find_id(const std::string &id);
    /// When the session ends (sliding and absolute expiry combined).
    [[nodiscard]] static int64_t expires_at(const session &s) noexcept;
    /// Remove one session / every session but `keep_id`. Written at once.
    void remove(const std::string &id);
    void remove_all_except(const std::string &keep_id);
    /// Record that `s` changed in a way that must survive a crash now (lock, unlock).
    void save_now();
    /// Record a change that may wait for the next flush (last seen/active times).
    void touch() noexcept { dirty_ = true; }
    /// Write the sessions if anything changed since the last write.
    void flush();
    /// Expire sessions and apply inactivity locks. The ids of sessions that were removed or
    /// became locked (their open streams must end).
    std::vector<std::string> sweep(int64_t now);
    [[nodiscard]] size_t session_count() const noexcept { return sessions_.size(); }

    /// The last problem writing a file ("" if none), for the log.
    [[nodiscard]] std::string take_warning() { return std::exchange(warning_, {}); }

private:
    status read_auth();
    status write_auth();
    void read_sessions(int64_t now);
    void write_sessions();
    void write_setup_code();
    bool apply_lock(session &s, int64_t now) const;

    std::string auth_path_, sessions_path_, setup_code_path_;
    std::string master_token_, password_hash_, pin_hash_, setup_code_;
    int lock_timeout_mins_ = 0;
    struct file_id {
        uint64_t ino = 0, size = 0;
        int64_t mtime_ns = 0;
        bool operator==(const file_id &) const = default;
    } auth_id_;
    std::unordered_map<std::string, session> sessions_;
    bool dirty_ = false;
    std::string warning_;
};

} // namespace alter_web
