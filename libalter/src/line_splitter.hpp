// SPDX-License-Identifier: MIT
// Splits a byte stream into lines. A line ends at '\n' (a '\r' before it is dropped). A line
// longer than max_line is cut into pieces of at most max_line bytes (never inside a UTF-8
// sequence when avoidable); nothing is dropped. flush() emits a partial last line at EOF.
// Pure and allocation-free on the hot path: complete lines inside one chunk are emitted as views
// into that chunk; only a line that spans chunks is copied.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace alter::detail {

class line_splitter {
public:
    static constexpr size_t default_max_line = 64 * 1024;

    explicit line_splitter(size_t max_line = default_max_line) : max_(max_line < 8 ? 8 : max_line) {}

    /// emit(std::string_view line) for every line completed by `data`.
    template <class F> void feed(std::string_view data, F &&emit) {
        const char *p = data.data();
        const char *end = p + data.size();
        while (p < end) {
            const void *nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
            if (nl == nullptr) {
                append_partial(p, end, emit);
                return;
            }
            const char *e = static_cast<const char *>(nl);
            if (pending_.empty()) {
                emit_line(std::string_view(p, static_cast<size_t>(e - p)), emit);
            } else {
                append_partial(p, e, emit);
                emit_line(std::string_view(pending_), emit);
                pending_.clear();
            }
            p = e + 1;
        }
    }

    /// Emit what is pending as a last line (at EOF). No-op when nothing is pending.
    template <class F> void flush(F &&emit) {
        if (pending_.empty()) return;
        emit_line(std::string_view(pending_), emit);
        pending_.clear();
        release();
    }

    size_t pending() const { return pending_.size(); }
    size_t max_line() const { return max_; }

    /// Give back the pending buffer's memory (an idle stream costs nothing).
    void release() {
        if (pending_.empty()) std::string().swap(pending_);
    }

private:
    // Cut point at most `limit` bytes into s, moved back to a UTF-8 boundary if possible.
    static size_t cut(std::string_view s, size_t limit) {
        auto continuation = [&](size_t i) { return (static_cast<unsigned char>(s[i]) & 0xc0) == 0x80; };
        size_t n = limit;
        while (n + 3 > limit && n > 1 && continuation(n)) --n;
        return continuation(n) ? limit : n;
    }

    template <class F> void emit_line(std::string_view line, F &&emit) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        while (line.size() > max_) {
            size_t n = cut(line, max_);
            emit(line.substr(0, n));
            line.remove_prefix(n);
        }
        emit(line);
    }

    template <class F> void append_partial(const char *p, const char *end, F &&emit) {
        pending_.append(p, static_cast<size_t>(end - p));
        // A '\r' just past the limit may be half of a CRLF: keep it with its line.
        if (pending_.size() <= max_ || (pending_.size() == max_ + 1 && pending_.back() == '\r')) return;
        // Over-long: emit full pieces now, keep the tail pending.
        std::string_view v(pending_);
        size_t consumed = 0;
        bool cr_tail = v.back() == '\r';
        while (v.size() - consumed > max_ + (cr_tail ? 1 : 0)) {
            size_t n = cut(v.substr(consumed), max_);
            emit(v.substr(consumed, n));
            consumed += n;
        }
        pending_.erase(0, consumed);
    }

    std::string pending_;
    size_t max_;
};

} // namespace alter::detail
