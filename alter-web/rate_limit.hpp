// SPDX-License-Identifier: MIT
// Sliding-window attempt limiter for credential checks (login, unlock, setup, password and PIN
// changes): at most `max_attempts` per `window` per key. Keys are "ip:<client>" and
// "account:<name>", so one address cannot guess fast, and many addresses together cannot either.
// An attempt is counted when it starts (argon2 runs later, off the loop: parallel guesses are
// counted too) and given back when it succeeds. Pure: time is passed in.
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
    explicit rate_limiter(size_t max_attempts = 5, int64_t window_ms = 60'000, size_t max_keys = 10'000)
        : max_(max_attempts), window_(window_ms), max_keys_(max_keys) {}

    /// 0: allowed, and the attempt is counted against every key. Otherwise the milliseconds
    /// until an attempt would be allowed (nothing is counted).
    [[nodiscard]] int64_t acquire(std::initializer_list<std::string_view> keys, int64_t now_ms);
    /// Give back the newest attempt of each key (a successful check does not count).
    void release(std::initializer_list<std::string_view> keys);
    /// Drop keys whose attempts are all older than the window.
    void prune(int64_t now_ms);
    [[nodiscard]] int64_t window_ms() const noexcept { return window_; }
    [[nodiscard]] size_t key_count() const noexcept { return keys_.size(); }

private:
    size_t max_;
    int64_t window_;
    size_t max_keys_;
    std::unordered_map<std::string, std::deque<int64_t>> keys_;
};

} // namespace alter_web
