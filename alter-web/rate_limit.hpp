// SPDX-License-Identifier: MIT
// Sliding-window attempt limiter for credential checks (login, unlock, setup, password and PIN
// changes): at most `max` attempts per `window` per key. The gateway limits each client
// ("ip:<client>", 5 a minute) and, for clients that are not on this machine, all of them
// together ("remote", a much higher ceiling against guessing from many addresses) so that a
// flood from elsewhere never locks out the owner at the console. An attempt is counted when
// it starts (argon2 runs later, off the loop: parallel guesses are counted too) and given back
// when it succeeds. Pure: time is passed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace alter_web {

class rate_limiter {
public:
    /// One key and how many attempts it may make per window (0: the key is not limited).
    struct limit {
        std::string_view key;
        size_t max;
    };

    explicit rate_limiter(int64_t window_ms = 60'000, size_t max_keys = 10'000) : window_(window_ms), max_keys_(max_keys) {}

    /// 0: allowed, and the attempt is counted against every limited key. Otherwise the
    /// milliseconds until an attempt would be allowed (nothing is counted).
    [[nodiscard]] int64_t acquire(std::initializer_list<limit> limits, int64_t now_ms);
    /// Give back the newest attempt of each key (a successful check does not count).
    void release(std::initializer_list<limit> limits);
    /// Drop keys whose attempts are all older than the window.
    void prune(int64_t now_ms);
    [[nodiscard]] int64_t window_ms() const noexcept { return window_; }
    [[nodiscard]] size_t key_count() const noexcept { return keys_.size(); }

private:
    int64_t window_;
    size_t max_keys_;
    std::unordered_map<std::string, std::deque<int64_t>> keys_;
};

} // namespace alter_web
