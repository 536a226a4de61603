// SPDX-License-Identifier: MIT
#include "value.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <simdjson.h>

#include "alter/alter.h"
#include "common/json_writer.hpp"

namespace alter::detail {

const char *value::type_name() const {
    switch (k) {
    case kind::null: return "null";
    case kind::boolean: return "boolean";
    case kind::integer: return "integer";
    case kind::number: return "number";
    case kind::string: return "string";
    case kind::array: return "array";
    case kind::object: return "object";
    }
    return "value";
}

namespace {

namespace od = simdjson::ondemand;

// Maps a byte offset to a 1-based line and column.
class line_index {
public:
    explicit line_index(std::string_view text) {
        starts_.push_back(0);
        for (size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n') starts_.push_back(i + 1);
    }
    void locate(size_t offset, int &line, int &col) const {
        auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
        size_t l = static_cast<size_t>(it - starts_.begin()); // >= 1
        line = static_cast<int>(l);
        col = static_cast<int>(offset - starts_[l - 1]) + 1;
    }

private:
    std::vector<size_t> starts_;
};

// A JSON integer of 19 digits or more (beyond int64): its value as a double.
bool big_integer(const char *p, double &out) {
    if (p == nullptr) return false;
    const char *s = p;
    if (*s == '-') ++s;
    if (*s < '1' || *s > '9') return false;
    const char *digits = s;
    while (*s >= '0' && *s <= '9') ++s;
    if (s - digits < 19) return false;
    if (*s == '.' || *s == 'e' || *s == 'E') return false; // simdjson reads those itself
    std::string num(p, static_cast<size_t>(s - p));
    out = std::strtod(num.c_str(), nullptr);
    return true;
}

// Where a document-level error without a position most likely is: a control character inside a
// string, else the opening quote of an unclosed string, else the last character.
size_t guess_error_offset(std::string_view text) {
    bool in_string = false;
    size_t open = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            else if (c < 0x20) return i;
        } else if (c == '"') {
            in_string = true;
            open = i;
        }
    }
    if (in_string) return open;
    size_t last = text.find_last_not_of(" \t\r\n");
    return last == std::string_view::npos ? 0 : last;
}

// The offset of the first byte that makes `text` invalid JSON (RFC 8259), or npos when the
// syntax is fine. simdjson's on-demand parser reports structural errors at the enclosing
// container; this scan finds the offending token itself, for the error's line and column.
class syntax_scan {
public:
    explicit syntax_scan(std::string_view t) : t_(t) {}

    size_t first_error() {
        ws();
        if (!value(0)) return err_;
        ws();
        return i_ < t_.size() ? i_ : std::string_view::npos;
    }

private:
    bool fail() { // at i_; at the end of the text: where more was expected
        err_ = std::min(i_, t_.size());
        return false;
    }
    void ws() {
        while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
    }
    bool digits() {
        size_t s = i_;
        while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
        return i_ > s || fail();
    }
    bool literal(std::string_view word) {
        if (t_.substr(i_, word.size()) != word) return fail();
        if (size_t e = i_ + word.size(); e < t_.size() && std::isalnum(static_cast<unsigned char>(t_[e])))
            return fail(); // "nulll", "trueish": the whole token is wrong
        i_ += word.size();
        return true;
    }
    bool string() {
        ++i_; // the opening quote
        while (i_ < t_.size()) {
            unsigned char c = static_cast<unsigned char>(t_[i_]);
            if (c == '"') {
                ++i_;
                return true;
            }
            if (c < 0x20) return fail();
            if (c == '\\') {
                ++i_;
                if (i_ >= t_.size()) return fail();
                char e = t_[i_];
                if (e == 'u') {
                    for (int k = 1; k <= 4; ++k)
                        if (i_ + k >= t_.size() || !std::isxdigit(static_cast<unsigned char>(t_[i_ + k]))) {
                            i_ += k;
                            return fail();
                        }
                    i_ += 4;
                } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                    return fail();
                }
            }
            ++i_;
        }
        return fail();
    }
    bool number() {
        size_t start = i_;
        if (!number_body() || (i_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[i_])) || t_[i_] == '.'))) {
            i_ = start; // a malformed number ("12x", "1.2.3") is reported at its first character
            return fail();
        }
        return true;
    }
    bool number_body() {
        if (t_[i_] == '-') ++i_;
        if (i_ < t_.size() && t_[i_] == '0') ++i_;
        else if (!digits()) return false;
        if (i_ < t_.size() && t_[i_] == '.') {
            ++i_;
            if (!digits()) return false;
        }
        if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
            ++i_;
            if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
            if (!digits()) return false;
        }
        return true;
    }
    bool value(int depth) {
        if (i_ >= t_.size() || depth > 256) return fail();
        switch (t_[i_]) {
        case '{': {
            ++i_;
            ws();
            if (i_ < t_.size() && t_[i_] == '}') return ++i_, true;
            for (;;) {
                if (i_ >= t_.size() || t_[i_] != '"' || !string()) return i_ < t_.size() && t_[i_] == '"' ? false : fail();
                ws();
                if (i_ >= t_.size() || t_[i_] != ':') return fail();
                ++i_;
                ws();
                if (!value(depth + 1)) return false;
                ws();
                if (i_ < t_.size() && t_[i_] == ',') {
                    ++i_;
                    ws();
                    continue;
                }
                if (i_ < t_.size() && t_[i_] == '}') return ++i_, true;
                return fail();
            }
        }
        case '[': {
            ++i_;
            ws();
            if (i_ < t_.size() && t_[i_] == ']') return ++i_, true;
            for (;;) {
                if (!value(depth + 1)) return false;
                ws();
                if (i_ < t_.size() && t_[i_] == ',') {
                    ++i_;
                    ws();
                    continue;
                }
                if (i_ < t_.size() && t_[i_] == ']') return ++i_, true;
                return fail();
            }
        }
        case '"': return string();
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        default:
            if (t_[i_] == '-' || (t_[i_] >= '0' && t_[i_] <= '9')) return number();
            return fail();
        }
    }

    std::string_view t_;
    size_t i_ = 0;
    size_t err_ = std::string_view::npos;
};

struct reader {
    const char *base;
    size_t size;
    const line_index &idx;
    int depth = 0;

    static constexpr int max_depth = 64;

    void position(value &out, const char *at) const {
        if (at >= base) idx.locate(static_cast<size_t>(at - base), out.line, out.column);
    }

    error fail(simdjson::error_code e, const char *at) const {
        error err(ALTER_EPARSE, std::string("invalid JSON: ") + simdjson::error_message(e));
        // A syntax error is reported at its token (simdjson gives the enclosing container).
        if (e != simdjson::DEPTH_ERROR && e != simdjson::NUMBER_OUT_OF_RANGE && size > 0)
            if (size_t off = syntax_scan(std::string_view(base, size)).first_error(); off != std::string_view::npos)
                at = base + off;
        if (at == nullptr && size > 0) at = base + guess_error_offset(std::string_view(base, size));
        if (at != nullptr && at >= base) idx.locate(static_cast<size_t>(at - base), err.line, err.column);
        return err;
    }

    static const char *token_start(od::value &v) { return v.raw_json_token().data(); }
    static const char *token_start(od::document &d) {
        std::string_view tok;
        if (d.raw_json_token().get(tok) != simdjson::SUCCESS) return nullptr;
        return tok.data();
    }

    template <class V> result<value> read(V &v) {
        const char *at = token_start(v);
        od::json_type t;
        if (auto e = v.type().get(t)) return fail(e, at);
        value out;
        position(out, at);
        switch (t) {
        case od::json_type::object: {
            if (++depth > max_depth) return fail(simdjson::DEPTH_ERROR, at);
            od::object obj;
            if (auto e = v.get_object().get(obj)) return fail(e, at);
            out.k = value::kind::object;
            for (auto field : obj) {
                std::string_view key;
                if (auto e = field.error()) return fail(e, at);
                const char *key_at = field.value_unsafe().key().raw() - 1; // its opening quote
                if (auto e = field.unescaped_key().get(key)) return fail(e, at);
                od::value fv;
                if (auto e = field.value().get(fv)) return fail(e, at);
                auto sub = read(fv);
                if (!sub) return std::move(sub).err();
                if (out.find(key) != nullptr) {
                    // Parsers disagree on which copy wins: refuse rather than guess.
                    error err(ALTER_EPARSE, "invalid JSON: key '" + std::string(key) + "' appears twice in one object");
                    err.line = sub->line;
                    err.column = sub->column;
                    return err;
                }
                if (key_at >= base) idx.locate(static_cast<size_t>(key_at - base), sub->key_line, sub->key_column);
                out.fields.emplace_back(std::string(key), std::move(sub).value());
            }
            --depth;
            break;
        }
        case od::json_type::array: {
            if (++depth > max_depth) return fail(simdjson::DEPTH_ERROR, at);
            od::array arr;
            if (auto e = v.get_array().get(arr)) return fail(e, at);
            out.k = value::kind::array;
            for (auto item : arr) {
                od::value iv;
                if (auto e = item.get(iv)) return fail(e, at);
                auto sub = read(iv);
                if (!sub) return std::move(sub).err();
                out.items.push_back(std::move(sub).value());
            }
            --depth;
            break;
        }
        case od::json_type::string: {
            std::string_view s;
            if (auto e = v.get_string().get(s)) return fail(e, at);
            out.k = value::kind::string;
            out.s.assign(s);
            break;
        }
        case od::json_type::number: {
            // Integers beyond 64 bits (which simdjson refuses) are read as doubles from the token;
            // every other error (bad syntax, a truncated document) is reported where it is.
            od::number_type nt = od::number_type::floating_point_number;
            auto type_error = v.get_number_type().get(nt);
            int64_t i = 0;
            double d = 0;
            if (type_error == simdjson::SUCCESS && nt == od::number_type::signed_integer &&
                v.get_int64().get(i) == simdjson::SUCCESS) {
                out.k = value::kind::integer;
                out.i = i;
            } else if (type_error == simdjson::SUCCESS && nt != od::number_type::signed_integer &&
                       v.get_double().get(d) == simdjson::SUCCESS) {
                out.k = value::kind::number;
                out.d = d;
            } else if (big_integer(token_start(v), d)) {
                out.k = value::kind::number;
                out.d = d;
            } else {
                return fail(type_error != simdjson::SUCCESS ? type_error : simdjson::NUMBER_ERROR, at);
            }
            break;
        }
        case od::json_type::boolean: {
            bool b;
            if (auto e = v.get_bool().get(b)) return fail(e, at);
            out.k = value::kind::boolean;
            out.b = b;
            break;
        }
        case od::json_type::null: {
            bool is_null = false;
            if (auto e = v.is_null().get(is_null); e || !is_null) return fail(simdjson::N_ATOM_ERROR, at);
            break;
        }
        }
        return out;
    }
};

} // namespace

result<value> parse_json(std::string_view text) {
    simdjson::padded_string padded(text);
    od::parser parser;
    line_index idx(text);
    reader r{padded.data(), text.size(), idx};
    od::document doc;
    if (auto e = parser.iterate(padded).get(doc)) return r.fail(e, nullptr);
    // Scalars at the top level are read through the document; containers through a value.
    od::json_type t;
    const char *at = nullptr;
    if (auto e = doc.current_location().get(at); e) at = nullptr;
    if (auto e = doc.type().get(t)) return r.fail(e, at);
    result<value> out = value{};
    if (t == od::json_type::object || t == od::json_type::array) {
        od::value v;
        if (auto e = doc.get_value().get(v)) return r.fail(e, at);
        out = r.read(v);
        if (!out) return out;
        // Anything after the root value is an error (the iterator is at its end otherwise).
        if (const char *where = nullptr; doc.current_location().get(where) == simdjson::SUCCESS)
            return r.fail(simdjson::TRAILING_CONTENT, where);
        return out;
    }
    // A scalar root: check what follows its token first (simdjson reports trailing content at
    // the document's start, and may not consume a number it cannot hold).
    size_t p = text.find_first_not_of(" \t\r\n");
    if (p != std::string_view::npos && text[p] == '"') {
        for (++p; p < text.size() && text[p] != '"'; ++p)
            if (text[p] == '\\') ++p;
        ++p;
    } else {
        while (p < text.size() && std::string_view(" \t\r\n,]}").find(text[p]) == std::string_view::npos) ++p;
    }
    size_t rest = text.find_first_not_of(" \t\r\n", std::min(p, text.size()));
    if (rest != std::string_view::npos) return r.fail(simdjson::TRAILING_CONTENT, padded.data() + rest);
    out = r.read(doc);
    return out;
}

namespace {
void write_value(json::writer &w, const value &v) {
    switch (v.k) {
    case value::kind::null: w.null(); break;
    case value::kind::boolean: w.value(v.b); break;
    case value::kind::integer: w.value(static_cast<long long>(v.i)); break;
    case value::kind::number: w.value(v.d); break;
    case value::kind::string: w.value(v.s); break;
    case value::kind::array:
        w.begin_array();
        for (const auto &x : v.items) write_value(w, x);
        w.end_array();
        break;
    case value::kind::object:
        w.begin_object();
        for (const auto &f : v.fields) {
            w.key(f.first);
            write_value(w, f.second);
        }
        w.end_object();
        break;
    }
}
} // namespace

std::string to_json(const value &v) {
    std::string out;
    json::writer w(out);
    write_value(w, v);
    return out;
}

} // namespace alter::detail
