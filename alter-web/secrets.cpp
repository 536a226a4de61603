// SPDX-License-Identifier: MIT
#include "secrets.hpp"

#include <argon2.h>
#include <cctype>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <sys/random.h>
#include <uv.h>

#include "alter/json.hpp"

namespace alter_web {

namespace {

void fill_random(unsigned char *out, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = ::getrandom(out + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("getrandom failed"); // never on Linux >= 3.17 after boot
        }
        got += static_cast<size_t>(r);
    }
}

// Lower-case fragments that make a password guessable whatever surrounds them.
constexpr std::string_view common[] = {
    "password", "passw0rd", "qwerty", "azerty", "123456", "654321", "111111", "000000", "abc123",
    "letmein", "welcome", "iloveyou", "admin", "monkey", "dragon", "master", "sunshine", "princess",
    "football", "baseball", "shadow", "superman", "trustno1", "secret", "changeme", "default",
    "alter", "login", "qazwsx", "zxcvbn", "asdfgh", "1q2w3e", "hunter2", "starwars", "whatever",
};
constexpr std::string_view keyboard_rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"};

bool in_sequence(unsigned char a, unsigned char b) {
    if (std::isalnum(a) && std::isalnum(b) && (b == a + 1 || b + 1 == a)) return true;
    char la = static_cast<char>(std::tolower(a)), lb = static_cast<char>(std::tolower(b));
    for (auto row : keyboard_rows) {
        auto p = row.find(la);
        if (p != std::string_view::npos && p + 1 < row.size() && row[p + 1] == lb) return true;
    }
    return false;
}

} // namespace

std::optional<std::string> hash_secret(std::string_view secret, const argon2_cost &c) {
    unsigned char salt[16];
    fill_random(salt, sizeof salt);
    constexpr uint32_t hash_len = 32;
    size_t len = argon2_encodedlen(c.iterations, c.memory_kib, c.parallelism, sizeof salt, hash_len, Argon2_id);
    std::string out(len, '\0');
    int rc = argon2id_hash_encoded(c.iterations, c.memory_kib, c.parallelism, secret.data(), secret.size(), salt,
                                   sizeof salt, hash_len, out.data(), out.size());
    if (rc != ARGON2_OK) return std::nullopt;
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
}

bool verify_secret(std::string_view secret, const std::string &encoded) noexcept {
    if (encoded.rfind("$argon2id$", 0) != 0) return false;
    return argon2id_verify(encoded.c_str(), secret.data(), secret.size()) == ARGON2_OK;
}

void run_off_loop(uv_loop_t *loop, std::function<void()> work, std::function<void()> done) {
    struct job {
        uv_work_t req{};
        std::function<void()> work, done;
    };
    auto *j = new job;
    j->work = std::move(work);
    j->done = std::move(done);
    j->req.data = j;
    int rc = uv_queue_work(
        loop, &j->req, [](uv_work_t *r) { static_cast<job *>(r->data)->work(); },
        [](uv_work_t *r, int) {
            std::unique_ptr<job> owned(static_cast<job *>(r->data));
            owned->done();
        });
    if (rc != 0) { // only when the loop is closing: do the work here
        std::unique_ptr<job> owned(j);
        owned->work();
        owned->done();
    }
}

strength password_strength(std::string_view pw) {
    strength s;
    bool lower = false, upper = false, digit = false, symbol = false, other = false;
    double eff = 0;
    for (size_t i = 0; i < pw.size(); ++i) {
        auto c = static_cast<unsigned char>(pw[i]);
        if (c >= 0x80) {
            other = true;
            if ((c & 0xc0) == 0x80) continue; // continuation byte: one character counted once
        } else if (std::islower(c)) lower = true;
        else if (std::isupper(c)) upper = true;
        else if (std::isdigit(c)) digit = true;
        else symbol = true;
        if (i > 0 && static_cast<unsigned char>(pw[i - 1]) == c) eff += 0.2;
        else if (i > 0 && in_sequence(static_cast<unsigned char>(pw[i - 1]), c)) eff += 0.4;
        else eff += 1;
    }
    double pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (other ? 100 : 0);
    s.bits = pool > 0 ? eff * std::log2(pool) : 0;
    std::string low(pw);
    for (auto &ch : low) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    bool is_common = false;
    for (auto w : common)
        if (low.find(w) != std::string::npos) is_common = true;
    if (is_common) s.bits = std::min(s.bits, 20.0 + std::max(0.0, (eff - 8) * 2));
    s.score = s.bits < 30 ? 0 : s.bits < 45 ? 1 : s.bits < 60 ? 2 : s.bits < 80 ? 3 : 4;
    static constexpr std::string_view labels[] = {"very weak", "weak", "fair", "good", "strong"};
    s.label = labels[s.score];
    s.acceptable = pw.size() >= min_password_length && pw.size() <= max_password_length && s.score > 0;
    if (pw.size() < min_password_length) s.feedback.push_back("use at least 8 characters");
    else if (pw.size() > max_password_length) s.feedback.push_back("use at most 1024 characters");
    else if (s.score == 0) s.feedback.push_back("too easy to guess: add more words or characters");
    else if (pw.size() < 12 && s.score < 4) s.feedback.push_back("a longer password (12 or more characters) is stronger");
    if (is_common) s.feedback.push_back("avoid common passwords and words");
    if (s.score < 3 && int{lower} + int{upper} + int{digit} + int{symbol} + int{other} < 3)
        s.feedback.push_back("mix upper and lower case letters, digits and symbols");
    if (eff + 0.5 < static_cast<double>(pw.size()) * 0.8) s.feedback.push_back("avoid repeated characters and sequences");
    return s;
}

std::string strength_json(const strength &s) {
    std::string out;
    alter::json::writer w(out);
    w.begin_object()
        .field("score", s.score)
        .field("label", s.label)
        .field("bits", std::round(s.bits * 10) / 10)
        .field("acceptable", s.acceptable)
        .field("min_length", static_cast<int>(min_password_length))
        .key("feedback")
        .begin_array();
    for (auto f : s.feedback) w.value(f);
    w.end_array().end_object();
    return out;
}

bool valid_pin(std::string_view pin) noexcept {
    if (pin.size() != 4 && pin.size() != 6) return false;
    for (char c : pin)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string random_hex(size_t bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string raw(bytes, '\0');
    fill_random(reinterpret_cast<unsigned char *>(raw.data()), bytes);
    std::string out;
    out.reserve(bytes * 2);
    for (unsigned char c : raw) {
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
    return out;
}

std::string random_setup_code() {
    static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford: no I L O U
    unsigned char raw[16];
    fill_random(raw, sizeof raw);
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i > 0 && i % 4 == 0) out.push_back('-');
        out.push_back(alphabet[raw[i] & 31]);
    }
    return out;
}

std::string normalize_setup_code(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (c == 'I' || c == 'L') c = '1';
        if (c == 'O') c = '0';
        out.push_back(c);
        if (out.size() > 64) break;
    }
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace alter_web
