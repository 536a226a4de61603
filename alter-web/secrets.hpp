// SPDX-License-Identifier: MIT
// Passwords and PINs: argon2id hashing (libargon2) run off the loop thread, a password strength
// estimate for the UI's meter, random tokens and constant-time comparison.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
typedef struct uv_loop_s uv_loop_t;
}

namespace alter_web {

/// argon2id cost for new hashes. A stored hash keeps the cost it was made with (it is in the
/// PHC string), so changing this never locks anyone out. Defaults: OWASP's 19 MiB, t=2, p=1
/// (about 30 ms here).
struct argon2_cost {
    uint32_t memory_kib = 19 * 1024;
    uint32_t iterations = 2;
    uint32_t parallelism = 1;
};

inline constexpr size_t min_password_length = 8;
inline constexpr size_t max_password_length = 1024; // bytes: bounds the hashing work

/// A fresh argon2id PHC string ("$argon2id$v=19$m=...") for `secret`, or nullopt on failure
/// (out of memory). Any thread; slow by design: call it through run_off_loop.
[[nodiscard]] std::optional<std::string> hash_secret(std::string_view secret, const argon2_cost &cost);
/// True if `secret` matches `encoded` (argon2id only). Any thread; slow by design.
[[nodiscard]] bool verify_secret(std::string_view secret, const std::string &encoded) noexcept;

/// Run `work` on libuv's thread pool, then `done` on the loop thread. Loop thread only.
void run_off_loop(uv_loop_t *loop, std::function<void()> work, std::function<void()> done);

struct strength {
    int score = 0;            // 0 very weak .. 4 strong (zxcvbn's scale)
    std::string_view label;   // "very weak", "weak", "fair", "good", "strong"
    double bits = 0;          // the entropy estimate behind the score
    bool acceptable = false;  // may be set: min_password_length..max_password_length, score > 0
    std::vector<std::string_view> feedback;
};
/// A quick offline estimate: character pool × effective length, with penalties for repeats,
/// sequences ("abc", "321", "qwerty") and common passwords. Pure, fast.
[[nodiscard]] strength password_strength(std::string_view password);
/// {"score":..,"label":..,"bits":..,"acceptable":..,"min_length":8,"feedback":[..]}
[[nodiscard]] std::string strength_json(const strength &s);

/// 4 or 6 ASCII digits.
[[nodiscard]] bool valid_pin(std::string_view pin) noexcept;

/// `bytes` random bytes from getrandom(2), as lower-case hex.
[[nodiscard]] std::string random_hex(size_t bytes);
/// A setup code for people to type: 16 characters of Crockford base32 (80 bits) in groups of 4
/// ("7K3M-QX9D-2HFA-TP4W").
[[nodiscard]] std::string random_setup_code();
/// Canonical form of a typed setup code (upper case; spaces and dashes dropped; I/L→1, O→0).
[[nodiscard]] std::string normalize_setup_code(std::string_view typed);

/// Compare without an early exit (the time depends on the lengths only).
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

} // namespace alter_web
