// SPDX-License-Identifier: MIT
// The on-disk line format: "2026-11-21T12:34:56.789Z <text>\n" (UTC, milliseconds).
#pragma once

#include <cstdint>
#include <ctime>
#include <string_view>

namespace alter::detail {

inline constexpr size_t stamp_len = 24; // "YYYY-MM-DDTHH:MM:SS.mmmZ"

/// Formats timestamps, re-using the formatted second while it does not change.
class stamp_cache {
public:
    /// 24 characters, not NUL-terminated.
    const char *format(int64_t time_ms) {
        int64_t sec = time_ms >= 0 ? time_ms / 1000 : (time_ms - 999) / 1000;
        int ms = static_cast<int>(time_ms - sec * 1000);
        if (sec != sec_) {
            sec_ = sec;
            time_t t = static_cast<time_t>(sec);
            struct tm tm {};
            gmtime_r(&t, &tm);
            put(0, tm.tm_year + 1900, 4);
            buf_[4] = '-';
            put(5, tm.tm_mon + 1, 2);
            buf_[7] = '-';
            put(8, tm.tm_mday, 2);
            buf_[10] = 'T';
            put(11, tm.tm_hour, 2);
            buf_[13] = ':';
            put(14, tm.tm_min, 2);
            buf_[16] = ':';
            put(17, tm.tm_sec, 2);
            buf_[19] = '.';
            buf_[23] = 'Z';
        }
        put(20, ms, 3);
        return buf_;
    }

private:
    void put(int at, int v, int width) {
        for (int i = width - 1; i >= 0; --i) {
            buf_[at + i] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
    }
    int64_t sec_ = INT64_MIN;
    char buf_[stamp_len] = {};
};

/// Parse a stamp at the start of `line`; -1 if there is none.
int64_t parse_stamp(std::string_view line);

} // namespace alter::detail
