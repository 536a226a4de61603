// SPDX-License-Identifier: MIT
#include "log_read.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <regex.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alter/alter.h"
#include "common/json_writer.hpp"
#include "log_format.hpp"
#include "log_sink.hpp"

namespace alter::detail {

int64_t parse_stamp(std::string_view l) {
    if (l.size() < stamp_len || l[4] != '-' || l[7] != '-' || l[10] != 'T' || l[13] != ':' || l[16] != ':' ||
        l[19] != '.' || l[23] != 'Z')
        return -1;
    auto num = [&](size_t at, size_t n) -> int {
        int v = 0;
        for (size_t i = at; i < at + n; ++i) {
            if (l[i] < '0' || l[i] > '9') return -1;
            v = v * 10 + (l[i] - '0');
        }
        return v;
    };
    int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), s = num(17, 2), ms = num(20, 3);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 || ms < 0)
        return -1;
    civil_date cd{y, mo, d};
    int64_t days = days_from_civil(cd);
    if (civil_from_days(days) != cd) return -1; // 2025-02-30
    return ((days * 24 + h) * 60 + mi) * 60'000 + static_cast<int64_t>(s) * 1000 + ms;
}

namespace {

struct entry {
    int64_t time_ms;
    uint64_t seq; // order within a source, to keep equal timestamps stable
    uint8_t stream;
    const log_source *src;
    std::string text;
};

class matcher {
public:
    status init(const log_query &q) {
        if (q.grep.empty()) return {};
        active_ = true;
        if (q.flags & ALTER_LOG_REGEX) {
            int flags = REG_EXTENDED | REG_NOSUB | ((q.flags & ALTER_LOG_ICASE) ? REG_ICASE : 0);
            int r = regcomp(&re_, q.grep.c_str(), flags);
            if (r != 0) {
                char msg[256];
                regerror(r, &re_, msg, sizeof msg);
                return error(ALTER_EINVAL, std::string("invalid regular expression: ") + msg);
            }
            regex_ = true;
        } else {
            needle_ = q.grep;
            icase_ = (q.flags & ALTER_LOG_ICASE) != 0;
            if (icase_) lower(needle_);
        }
        return {};
    }
    ~matcher() {
        if (regex_) regfree(&re_);
    }
    bool operator()(std::string_view text) {
        if (!active_) return true;
        if (regex_) {
            buf_.assign(text);
            return regexec(&re_, buf_.c_str(), 0, nullptr, 0) == 0;
        }
        if (!icase_) return text.find(needle_) != std::string_view::npos;
        buf_.assign(text);
        lower(buf_);
        return buf_.find(needle_) != std::string::npos;
    }

private:
    static void lower(std::string &s) {
        for (auto &c : s)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    bool active_ = false, regex_ = false, icase_ = false;
    regex_t re_{};
    std::string needle_, buf_;
};

// Walk a file's lines from the last to the first; f returns false to stop.
template <class F> bool for_lines_backwards(const std::string &path, F &&f) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return true;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return true;
    }
    off_t pos = st.st_size;
    std::string carry; // the start of a line whose end was in a later block
    std::vector<char> block(64 * 1024);
    bool go_on = true;
    bool first = true;
    while (pos > 0 && go_on) {
        size_t n = static_cast<size_t>(std::min<off_t>(pos, static_cast<off_t>(block.size())));
        pos -= static_cast<off_t>(n);
        ssize_t got = ::pread(fd, block.data(), n, pos);
        if (got <= 0) break;
        std::string chunk(block.data(), static_cast<size_t>(got));
        chunk += carry;
        carry.clear();
        size_t end = chunk.size();
        if (first && end > 0 && chunk[end - 1] == '\n') --end; // the file's final newline
        first = false;
        while (go_on) {
            size_t nl = end == 0 ? std::string::npos : chunk.rfind('\n', end - 1);
            if (nl == std::string::npos) {
                carry.assign(chunk, 0, end);
                break;
            }
            go_on = f(std::string_view(chunk).substr(nl + 1, end - nl - 1));
            end = nl;
        }
    }
    if (go_on && !carry.empty()) go_on = f(std::string_view(carry));
    ::close(fd);
    return go_on;
}

} // namespace

result<std::string> read_logs(const std::vector<log_source> &sources, const log_query &q) {
    matcher match;
    if (auto st = match.init(q); !st) return std::move(st).err();
    uint32_t want = q.lines == 0 ? 100 : std::min(q.lines, max_log_lines);
    std::vector<entry> all;
    for (const auto &src : sources) {
        auto files = list_dir(src.dir);
        for (uint8_t stream : {uint8_t(ALTER_STREAM_OUT), uint8_t(ALTER_STREAM_ERR)}) {
            if (!(q.streams & stream)) continue;
            const char *base = stream == ALTER_STREAM_ERR ? "err.log" : "out.log";
            auto day_files = files_of_day(base, q.date, files); // oldest first
            uint32_t found = 0;
            uint64_t seq = UINT64_MAX;
            for (auto it = day_files.rbegin(); it != day_files.rend() && found < want; ++it) {
                for_lines_backwards(src.dir + "/" + *it, [&](std::string_view line) {
                    int64_t t = parse_stamp(line);
                    std::string_view text = t >= 0 ? line.substr(line.size() > stamp_len ? stamp_len + 1 : stamp_len) : line;
                    if (!match(text)) return true;
                    all.push_back(entry{t, seq--, stream, &src, std::string(text)});
                    return ++found < want;
                });
            }
        }
    }
    std::stable_sort(all.begin(), all.end(), [](const entry &a, const entry &b) {
        if (a.time_ms != b.time_ms) return a.time_ms < b.time_ms;
        return a.seq < b.seq;
    });
    size_t start = all.size() > want ? all.size() - want : 0;
    std::string out;
    if (q.flags & ALTER_LOG_TEXT) {
        stamp_cache stamps;
        for (size_t i = start; i < all.size(); ++i) {
            if (all[i].time_ms >= 0) {
                out.append(stamps.format(all[i].time_ms), stamp_len);
                out.push_back(' ');
            }
            out += all[i].text;
            out.push_back('\n');
        }
        return out;
    }
    out.reserve((all.size() - start) * 96 + 16);
    json::writer w(out);
    w.begin_object().key("lines").begin_array();
    for (size_t i = start; i < all.size(); ++i) {
        const auto &e = all[i];
        w.begin_object()
            .field("time_ms", static_cast<long long>(e.time_ms))
            .field("stream", e.stream == ALTER_STREAM_ERR ? "err" : "out")
            .field("app", e.src->app)
            .field("instance", e.src->instance)
            .field("text", e.text)
            .end_object();
    }
    w.end_array().end_object();
    return out;
}

std::string log_dates_json(const std::vector<log_source> &sources) {
    std::vector<civil_date> days;
    bool current = false;
    for (const auto &src : sources) {
        auto files = list_dir(src.dir);
        for (const char *base : {"out.log", "err.log"}) {
            for (auto d : archived_days(base, files))
                if (std::find(days.begin(), days.end(), d) == days.end()) days.push_back(d);
            if (!files_of_day(base, std::nullopt, files).empty()) current = true;
        }
    }
    std::sort(days.begin(), days.end(), [](const auto &a, const auto &b) { return b < a; });
    std::string out;
    json::writer w(out);
    w.begin_object().key("dates").begin_array();
    for (auto d : days) w.value(format_date(d));
    w.end_array().field("has_current", current).end_object();
    return out;
}

namespace {

// Count the lines of one file whose stamps fall in [from, to) into `counts`. Lines are in time
// order within a file: reading stops at the first line stamped `to` or later. Only the first
// stamp_len bytes of a line are looked at.
struct volume_scan {
    const volume_query &q;
    uint64_t budget; // bytes left to read
    bool truncated = false;

    uint64_t count(const std::string &path, std::vector<uint64_t> &counts) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return 0;
        uint64_t total = 0;
        std::vector<char> block(256 * 1024);
        char head[stamp_len];
        size_t have = 0;       // bytes of the current line's head collected so far
        bool in_line = false;  // past the head of the current line (skipping to its end)
        bool done = false;
        while (!done) {
            if (budget == 0) {
                truncated = true;
                break;
            }
            size_t want = static_cast<size_t>(std::min<uint64_t>(block.size(), budget));
            ssize_t got = ::read(fd, block.data(), want);
            if (got <= 0) break;
            budget -= static_cast<uint64_t>(got);
            const char *p = block.data(), *end = p + got;
            while (p < end && !done) {
                if (!in_line) {
                    // Collect the head; a newline inside it ends a short (unstamped) line.
                    while (p < end && have < stamp_len && *p != '\n') head[have++] = *p++;
                    if (p == end) break;
                    if (*p == '\n') {
                        have = 0;
                        ++p;
                        continue;
                    }
                    int64_t t = parse_stamp(std::string_view(head, stamp_len));
                    have = 0;
                    in_line = true;
                    if (t >= q.to_ms) done = true;
                    else if (t >= q.from_ms) {
                        ++counts[static_cast<size_t>((t - q.from_ms) / q.bucket_ms)];
                        ++total;
                    }
                }
                const void *nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
                if (nl == nullptr) {
                    p = end;
                    break;
                }
                p = static_cast<const char *>(nl) + 1;
                in_line = false;
            }
        }
        ::close(fd);
        return total;
    }
};

} // namespace

result<std::string> log_volume(const std::vector<log_source> &sources, const volume_query &q) {
    if (q.bucket_ms <= 0 || q.to_ms <= q.from_ms) return error(ALTER_EINVAL, "the range must not be empty and bucket_ms > 0");
    if (q.to_ms - q.from_ms > max_volume_range_ms) return error(ALTER_ERANGE, "the range is limited to 31 days");
    int64_t buckets = (q.to_ms - q.from_ms + q.bucket_ms - 1) / q.bucket_ms;
    if (buckets > max_volume_buckets)
        return error(ALTER_ERANGE, "at most " + std::to_string(max_volume_buckets) + " buckets: choose a larger bucket_ms");
    volume_scan scan{q, max_volume_scan_bytes};
    uint64_t lines = 0;
    std::string out;
    json::writer w(out);
    w.begin_object()
        .field("from_ms", static_cast<long long>(q.from_ms))
        .field("to_ms", static_cast<long long>(q.to_ms))
        .field("bucket_ms", static_cast<long long>(q.bucket_ms))
        .field("buckets", static_cast<long long>(buckets))
        .key("series")
        .begin_array();
    for (const auto &src : sources) {
        auto files = list_dir(src.dir);
        for (uint8_t stream : {uint8_t(ALTER_STREAM_OUT), uint8_t(ALTER_STREAM_ERR)}) {
            const char *base = stream == ALTER_STREAM_ERR ? "err.log" : "out.log";
            std::vector<uint64_t> counts(static_cast<size_t>(buckets), 0);
            uint64_t total = 0;
            for (const auto &f : files) {
                if (!parse_log_name(base, f)) continue;
                std::string path = src.dir + "/" + f;
                struct stat st {};
                if (::stat(path.c_str(), &st) != 0) continue;
                int64_t mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
                if (mtime_ms < q.from_ms) continue; // its last line is older than the range
                total += scan.count(path, counts);
            }
            if (total == 0) continue;
            lines += total;
            w.begin_object()
                .field("app", src.app)
                .field("instance", src.instance)
                .field("stream", stream == ALTER_STREAM_ERR ? "err" : "out")
                .key("counts")
                .begin_array();
            for (auto c : counts) w.value(static_cast<unsigned long long>(c));
            w.end_array().field("total", static_cast<unsigned long long>(total)).end_object();
        }
    }
    w.end_array()
        .field("lines", static_cast<unsigned long long>(lines))
        .field("bytes_scanned", static_cast<unsigned long long>(max_volume_scan_bytes - scan.budget))
        .field("truncated", scan.truncated)
        .end_object();
    return out;
}

} // namespace alter::detail
