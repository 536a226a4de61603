// SPDX-License-Identifier: MIT
// alter/json.hpp: a small streaming JSON writer with correct escaping (header-only, C++17+, no
// dependencies). Part of the public C++ API (alter.hpp builds app specs with it); also used inside
// libalter (snapshots, events, state) and alter-net (API responses).
#pragma once

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace alter::json {

/// Append `s` as a JSON string literal (with quotes) to `out`. Invalid UTF-8 bytes are replaced
/// by U+FFFD so the output is always valid JSON; control characters are escaped.
inline void append_quoted(std::string &out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    const auto *end = p + s.size();
    const auto *run = p; // start of a run of bytes copied verbatim
    auto flush = [&](const unsigned char *to) {
        out.append(reinterpret_cast<const char *>(run), static_cast<size_t>(to - run));
    };
    while (p < end) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++p;
            continue;
        }
        if (c < 0x80) {
            flush(p);
            switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            case '\b': out.append("\\b"); break;
            case '\f': out.append("\\f"); break;
            default:
                out.append("\\u00");
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 0xf]);
            }
            run = ++p;
            continue;
        }
        // Validate one UTF-8 sequence.
        size_t n = 0;
        uint32_t cp = 0;
        if ((c & 0xe0) == 0xc0) { n = 2; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { n = 3; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { n = 4; cp = c & 0x07; }
        bool ok = n != 0 && static_cast<size_t>(end - p) >= n;
        for (size_t i = 1; ok && i < n; ++i) {
            if ((p[i] & 0xc0) != 0x80) ok = false;
            else cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (ok) {
            // Reject overlong forms, surrogates and out-of-range code points.
            if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
                cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                ok = false;
        }
        if (ok) {
            p += n;
            continue;
        }
        flush(p);
        out.append("\xef\xbf\xbd");
        run = ++p;
    }
    flush(p);
    out.push_back('"');
}

/// Streaming writer: w.begin_object(); w.key("a"); w.value(1); w.end_object();
/// Commas are inserted automatically.
class writer {
public:
    explicit writer(std::string &out) : out_(out) {}

    writer &begin_object() { sep(); out_.push_back('{'); first_ = true; return *this; }
    writer &end_object() { out_.push_back('}'); first_ = false; return *this; }
    writer &begin_array() { sep(); out_.push_back('['); first_ = true; return *this; }
    writer &end_array() { out_.push_back(']'); first_ = false; return *this; }

    writer &key(std::string_view k) {
        sep();
        append_quoted(out_, k);
        out_.push_back(':');
        after_key_ = true;
        return *this;
    }

    writer &value(std::string_view s) { sep(); append_quoted(out_, s); return *this; }
    writer &value(const char *s) {
        if (s == nullptr) return null();
        return value(std::string_view(s));
    }
    writer &value(const std::string &s) { return value(std::string_view(s)); }
    writer &value(bool b) { sep(); out_.append(b ? "true" : "false"); return *this; }
    writer &value(int v) { return integer(v); }
    writer &value(long v) { return integer(v); }
    writer &value(long long v) { return integer(v); }
    writer &value(unsigned v) { return integer(v); }
    writer &value(unsigned long v) { return integer(v); }
    writer &value(unsigned long long v) { return integer(v); }
    writer &value(double d) {
        sep();
        if (d != d || d - d != 0) { // NaN and +-inf are not JSON (inf - inf is NaN)
            out_.append("null");
            return *this;
        }
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, d);
        out_.append(buf, static_cast<size_t>(r.ptr - buf));
        return *this;
    }
    writer &null() { sep(); out_.append("null"); return *this; }
    /// Insert already-serialised JSON (trusted) as a value.
    writer &raw(std::string_view json) { sep(); out_.append(json); return *this; }

    template <class T> writer &field(std::string_view k, const T &v) { key(k); return value(v); }
    writer &field_raw(std::string_view k, std::string_view json) { key(k); return raw(json); }
    writer &field_null(std::string_view k) { key(k); return null(); }

    std::string &str() { return out_; }

private:
    template <class I> writer &integer(I v) {
        sep();
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, v);
        out_.append(buf, static_cast<size_t>(r.ptr - buf));
        return *this;
    }
    void sep() {
        if (after_key_) {
            after_key_ = false;
            first_ = false;
            return;
        }
        if (!first_ && !out_.empty()) {
            char last = out_.back();
            if (last != '{' && last != '[') out_.push_back(',');
        }
        first_ = false;
    }

    std::string &out_;
    bool first_ = true;
    bool after_key_ = false;
};

/// `s` as a JSON string literal.
inline std::string quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_quoted(out, s);
    return out;
}

} // namespace alter::json
