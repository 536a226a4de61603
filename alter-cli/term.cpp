// SPDX-License-Identifier: MIT
#include "term.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <unistd.h>

namespace alter::cli {

bool want_color(int fd, bool no_color_flag) noexcept {
    if (no_color_flag) return false;
    // no-color.org: set and not empty (NO_COLOR= is how a user unsets it in a shell script)
    if (const char *nc = std::getenv("NO_COLOR"); nc != nullptr && *nc != '\0') return false;
    const char *term = std::getenv("TERM");
    if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
    return ::isatty(fd) == 1;
}

void vappendf(std::string &out, const char *fmt, va_list ap) {
    char buf[512];
    va_list copy;
    va_copy(copy, ap);
    int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0) {
        va_end(copy);
        return;
    }
    if (static_cast<size_t>(n) < sizeof buf) {
        out.append(buf, static_cast<size_t>(n));
    } else {
        size_t at = out.size();
        out.resize(at + static_cast<size_t>(n) + 1);
        std::vsnprintf(out.data() + at, static_cast<size_t>(n) + 1, fmt, copy);
        out.resize(at + static_cast<size_t>(n));
    }
    va_end(copy);
}

void appendf(std::string &out, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vappendf(out, fmt, ap);
    va_end(ap);
}

void styled(std::string &out, bool color, style s, std::string_view text) {
    const char *code = nullptr;
    switch (s) {
    case style::none: break;
    case style::bold: code = "1"; break;
    case style::dim: code = "2"; break;
    case style::red: code = "31"; break;
    case style::green: code = "32"; break;
    case style::yellow: code = "33"; break;
    case style::blue: code = "34"; break;
    case style::cyan: code = "36"; break;
    case style::gray: code = "90"; break;
    case style::bold_red: code = "1;31"; break;
    }
    if (!color || code == nullptr) {
        out.append(text);
        return;
    }
    out.append("\x1b[").append(code).append("m").append(text).append("\x1b[0m");
}

static void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n <= 0) return; // EPIPE (| head): nothing more to do
        text.remove_prefix(static_cast<size_t>(n));
    }
}

void write_out(std::string_view text) {
    std::fflush(stdout);
    write_all(1, text);
}

void write_err(std::string_view text) {
    std::fflush(stdout);
    write_all(2, text);
}

size_t display_width(std::string_view s) noexcept {
    size_t w = 0;
    for (unsigned char c : s)
        if ((c & 0xc0) != 0x80) ++w;
    return w;
}

std::string human_duration(int64_t ms) {
    if (ms < 0) ms = 0;
    int64_t s = ms / 1000;
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(s / 60));
    else if (s < 48 * 3600) std::snprintf(buf, sizeof buf, "%lldh", static_cast<long long>(s / 3600));
    else std::snprintf(buf, sizeof buf, "%lldd", static_cast<long long>(s / 86400));
    return buf;
}

std::string human_span(int64_t ms) {
    if (ms < 0) ms = 0;
    int64_t s = (ms + 999) / 1000;
    char buf[48];
    if (s < 60) std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%lldm %llds", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
    else if (s < 86400) std::snprintf(buf, sizeof buf, "%lldh %lldm", static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60));
    else std::snprintf(buf, sizeof buf, "%lldd %lldh", static_cast<long long>(s / 86400), static_cast<long long>(s / 3600 % 24));
    return buf;
}

std::string human_bytes(uint64_t bytes) {
    static constexpr const char *units[] = {"KB", "MB", "GB", "TB"};
    char buf[32];
    if (bytes < 1024) {
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
        return buf;
    }
    double v = static_cast<double>(bytes) / 1024.0;
    size_t u = 0;
    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        ++u;
    }
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string local_time(int64_t ms, bool with_date) {
    time_t t = static_cast<time_t>(ms / 1000);
    struct tm tm {};
    localtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
    return buf;
}

std::string iso_time(int64_t ms) {
    time_t t = static_cast<time_t>(ms / 1000);
    struct tm tm {};
    localtime_r(&t, &tm);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    long off = tm.tm_gmtoff;
    if (off == 0) {
        std::snprintf(buf + n, sizeof buf - n, "Z");
    } else {
        char sign = off < 0 ? '-' : '+';
        if (off < 0) off = -off;
        std::snprintf(buf + n, sizeof buf - n, "%c%02ld:%02ld", sign, off / 3600, (off / 60) % 60);
    }
    return buf;
}

int64_t now_ms() noexcept {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int64_t ms) noexcept {
    struct timespec ts {static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

style status_style(std::string_view st) noexcept {
    if (st == "running") return style::green;
    if (st == "stopped" || st == "disabled") return style::gray;
    if (st == "errored" || st == "crashed") return style::red;
    if (st == "waiting" || st == "starting" || st == "stopping") return style::yellow;
    if (st == "exited") return style::blue;
    return style::none;
}

table::table(std::vector<std::string> headers, std::vector<bool> right)
    : headers_(std::move(headers)), right_(std::move(right)) {
    right_.resize(headers_.size(), false);
}

void table::add(std::vector<cell> row) {
    row.resize(headers_.size());
    rows_.push_back(std::move(row));
}

void table::render(std::string &out, bool color) const {
    std::vector<size_t> width(headers_.size());
    for (size_t c = 0; c < headers_.size(); ++c) width[c] = display_width(headers_[c]);
    for (const auto &r : rows_)
        for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], display_width(r[c].text));
    auto put = [&](size_t c, std::string_view text, style s, bool last) {
        size_t pad = width[c] - std::min(width[c], display_width(text));
        if (right_[c]) out.append(pad, ' ');
        styled(out, color, s, text);
        if (!right_[c] && !last) out.append(pad, ' ');
        if (!last) out.append("  ");
    };
    for (size_t c = 0; c < headers_.size(); ++c) put(c, headers_[c], style::bold, c + 1 == headers_.size());
    out.push_back('\n');
    for (const auto &r : rows_) {
        for (size_t c = 0; c < r.size(); ++c) put(c, r[c].text, r[c].s, c + 1 == r.size());
        out.push_back('\n');
    }
}

std::string strip_hint(std::string message, std::string_view hint) {
    if (hint.empty()) return message;
    std::string tail = " (" + std::string(hint) + ")";
    if (message.size() > tail.size() && message.compare(message.size() - tail.size(), tail.size(), tail) == 0)
        message.resize(message.size() - tail.size());
    return message;
}

std::string shell_quote(std::string_view w) {
    if (w.empty()) return "''";
    bool plain = true;
    for (char c : w)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::strchr("-_./=:,@%+", c) != nullptr))
            plain = false;
    if (plain) return std::string(w);
    std::string out = "'";
    for (char c : w) {
        if (c == '\'') out += "'\\''";
        else out.push_back(c);
    }
    out.push_back('\'');
    return out;
}

} // namespace alter::cli
