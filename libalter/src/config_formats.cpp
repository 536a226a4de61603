// SPDX-License-Identifier: MIT
// TOML (toml++) and YAML (yaml-cpp) readers: text -> value with 1-based positions.
#include "config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include <toml++/toml.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "alter/alter.h"

namespace alter::detail {

namespace {

error parse_error(const char *what, std::string msg, int line, int column) {
    error e(ALTER_EPARSE, std::string("invalid ") + what + ": " + std::move(msg));
    e.line = line;
    e.column = column;
    return e;
}

error too_deep(const char *what, int line, int column) {
    return parse_error(what, "nested deeper than " + std::to_string(config_limits::max_depth) + " levels", line,
                       column);
}

// ---- TOML ---------------------------------------------------------------------------------

template <class T> std::string stream_string(const T &x) {
    std::ostringstream os;
    os << x;
    return os.str();
}

result<value> from_toml(const toml::node &n, int depth) {
    value out;
    out.line = static_cast<int>(n.source().begin.line);
    out.column = static_cast<int>(n.source().begin.column);
    if (depth > config_limits::max_depth) return too_deep("TOML", out.line, out.column);
    switch (n.type()) {
    case toml::node_type::table: {
        out.k = value::kind::object;
        // toml::table is ordered by key; report fields in document order instead.
        std::vector<std::pair<const toml::key *, const toml::node *>> members;
        for (auto &&[k, v] : *n.as_table()) members.emplace_back(&k, &v);
        std::stable_sort(members.begin(), members.end(), [](const auto &a, const auto &b) {
            const auto &x = a.first->source().begin, &y = b.first->source().begin;
            return x.line != y.line ? x.line < y.line : x.column < y.column;
        });
        for (const auto &[k, v] : members) {
            auto sub = from_toml(*v, depth + 1);
            if (!sub) return sub;
            sub->key_line = static_cast<int>(k->source().begin.line);
            sub->key_column = static_cast<int>(k->source().begin.column);
            out.fields.emplace_back(std::string(k->str()), std::move(sub).value());
        }
        break;
    }
    case toml::node_type::array:
        out.k = value::kind::array;
        for (const auto &item : *n.as_array()) {
            auto sub = from_toml(item, depth + 1);
            if (!sub) return sub;
            out.items.push_back(std::move(sub).value());
        }
        break;
    case toml::node_type::string:
        out.k = value::kind::string;
        out.s = n.as_string()->get();
        break;
    case toml::node_type::integer:
        out.k = value::kind::integer;
        out.i = n.as_integer()->get();
        break;
    case toml::node_type::floating_point:
        out.k = value::kind::number;
        out.d = n.as_floating_point()->get();
        break;
    case toml::node_type::boolean:
        out.k = value::kind::boolean;
        out.b = n.as_boolean()->get();
        break;
    // Dates and times have no use in a spec: keep their text so a message can quote them.
    case toml::node_type::date:
        out.k = value::kind::string;
        out.s = stream_string(n.as_date()->get());
        break;
    case toml::node_type::time:
        out.k = value::kind::string;
        out.s = stream_string(n.as_time()->get());
        break;
    case toml::node_type::date_time:
        out.k = value::kind::string;
        out.s = stream_string(n.as_date_time()->get());
        break;
    case toml::node_type::none: break;
    }
    return out;
}

// ---- YAML ---------------------------------------------------------------------------------

constexpr std::string_view tag_core = "tag:yaml.org,2002:";

bool is_null_word(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

int bool_word(std::string_view s) {
    if (s == "true" || s == "True" || s == "TRUE") return 1;
    if (s == "false" || s == "False" || s == "FALSE") return 0;
    return -1;
}

bool int_word(std::string_view s, int64_t &out) {
    int base = 10;
    std::string_view digits = s;
    bool neg = false;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
        base = s[1] == 'x' ? 16 : 8;
        digits = s.substr(2);
    } else if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        digits = s.substr(1);
    }
    if (digits.empty()) return false;
    for (char c : digits) {
        bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                             : (c >= '0' && c < static_cast<char>('0' + base));
        if (!ok) return false;
    }
    // Parse the magnitude as unsigned so INT64_MIN round-trips.
    uint64_t mag = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), mag, base);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return false;
    if (neg) {
        if (mag > static_cast<uint64_t>(INT64_MAX) + 1) return false;
        out = mag == static_cast<uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<int64_t>(mag);
    } else {
        if (mag > static_cast<uint64_t>(INT64_MAX)) return false;
        out = static_cast<int64_t>(mag);
    }
    return true;
}

bool float_word(std::string_view s, double &out) {
    std::string_view body = s;
    double sign = 1;
    if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
        sign = body[0] == '-' ? -1 : 1;
        body.remove_prefix(1);
    }
    if (body == ".inf" || body == ".Inf" || body == ".INF") {
        out = sign * HUGE_VAL;
        return true;
    }
    if (s == ".nan" || s == ".NaN" || s == ".NAN") {
        out = std::nan("");
        return true;
    }
    // [0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)? or \.[0-9]+(...)
    size_t i = 0, int_digits = 0, frac_digits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++int_digits;
    if (i < body.size() && body[i] == '.') {
        ++i;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++frac_digits;
    }
    if (int_digits == 0 && frac_digits == 0) return false;
    if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
        ++i;
        if (i < body.size() && (body[i] == '-' || body[i] == '+')) ++i;
        size_t exp_digits = 0;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++exp_digits;
        if (exp_digits == 0) return false;
    }
    if (i != body.size()) return false;
    std::string text(s);
    errno = 0;
    char *end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size();
}

// Builds values straight from yaml-cpp's parser events (not YAML::LoadAll, which loops forever on
// some malformed input, e.g. a document starting with ',': yaml-cpp issue #1040). Positions,
// tags and the core-schema typing come from the events; errors are recorded, not thrown.
class yaml_builder : public YAML::EventHandler {
public:
    std::vector<value> docs;
    error err;
    bool failed = false;

    void OnDocumentStart(const YAML::Mark &) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &m, YAML::anchor_t a) override { add(at(value{}, m), a, nullptr, m); }
    void OnAlias(const YAML::Mark &m, YAML::anchor_t a) override {
        auto it = anchors_.find(a);
        if (it == anchors_.end()) return fail(parse_error("YAML", "unknown alias", m.line + 1, m.column + 1));
        nodes_ += it->second.second; // an alias copies the anchored value: count it again
        if (nodes_ > config_limits::max_nodes) {
            error e(ALTER_ELIMIT, "YAML document expands to more than " + std::to_string(config_limits::max_nodes) +
                                      " values (aliases)");
            e.line = m.line + 1;
            e.column = m.column + 1;
            return fail(std::move(e));
        }
        if (failed) return;
        add(it->second.first, 0, nullptr, m);
    }
    void OnScalar(const YAML::Mark &m, const std::string &tag, YAML::anchor_t a, const std::string &text) override {
        if (failed) return;
        ++nodes_;
        auto v = scalar(m, tag, text);
        if (!v) return fail(std::move(v).err());
        raw_tag_ = tag;
        add(std::move(v).value(), a, &text, m);
    }
    void OnSequenceStart(const YAML::Mark &m, const std::string &, YAML::anchor_t a, YAML::EmitterStyle::value) override {
        open(value::make_array(), a, m);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark &m, const std::string &, YAML::anchor_t a, YAML::EmitterStyle::value) override {
        open(value::make_object(), a, m);
    }
    void OnMapEnd() override {
        if (!failed && !stack_.empty()) merge(stack_.back());
        close();
    }

private:
    struct frame {
        value v;
        YAML::anchor_t anchor = 0;
        bool have_key = false; // maps: the next child is a value
        bool merge_key = false;
        std::string key;
        YAML::Mark key_mark;
        std::vector<value> merges; // `<<: *base` or `<<: [*a, *b]`, applied after explicit keys
    };
    std::vector<frame> stack_;
    std::map<YAML::anchor_t, std::pair<value, size_t>> anchors_; // value, node count
    std::string raw_tag_;
    size_t nodes_ = 0;

    static value at(value v, const YAML::Mark &m) {
        if (!m.is_null()) {
            v.line = m.line + 1;
            v.column = m.column + 1;
        }
        return v;
    }

    void fail(error e) {
        if (!failed) err = std::move(e);
        failed = true;
    }

    void open(value v, YAML::anchor_t a, const YAML::Mark &m) {
        ++nodes_;
        if (failed) {
            stack_.push_back({});
            return;
        }
        if (static_cast<int>(stack_.size()) >= config_limits::max_depth) fail(too_deep("YAML", m.line + 1, m.column + 1));
        stack_.push_back({at(std::move(v), m), a, false, false, {}, {}, {}});
    }

    void close() {
        if (stack_.empty()) return;
        frame f = std::move(stack_.back());
        stack_.pop_back();
        if (!failed) add(std::move(f.v), f.anchor, nullptr, YAML::Mark::null_mark());
    }

    static size_t count(const value &v) {
        size_t n = 1;
        for (const auto &x : v.items) n += count(x);
        for (const auto &f : v.fields) n += count(f.second);
        return n;
    }

    // A finished value: becomes the document, an array item, a map key or a map value.
    void add(value v, YAML::anchor_t a, const std::string *raw, const YAML::Mark &m) {
        if (failed) return;
        if (a != 0) anchors_[a] = {v, count(v)};
        if (stack_.empty()) {
            docs.push_back(std::move(v));
            return;
        }
        frame &f = stack_.back();
        if (f.v.is_array()) {
            f.v.items.push_back(std::move(v));
            return;
        }
        if (!f.have_key) {
            if (raw == nullptr) return fail(parse_error("YAML", "mapping keys must be plain strings", v.line, v.column));
            f.key = *raw;
            f.key_mark = m;
            f.merge_key = *raw == "<<" && raw_tag_ == "?";
            f.have_key = true;
            return;
        }
        f.have_key = false;
        int kl = f.key_mark.line + 1, kc = f.key_mark.column + 1;
        if (v.is_null() || v.line == 0) { // a missing value is reported at its key
            v.line = kl;
            v.column = kc;
        }
        v.key_line = kl;
        v.key_column = kc;
        if (f.merge_key) f.merges.push_back(std::move(v));
        else if (f.v.find(f.key) != nullptr) fail(parse_error("YAML", "duplicate key '" + f.key + "'", kl, kc));
        else f.v.fields.emplace_back(f.key, std::move(v));
    }

    // Merge keys: explicit keys win, then earlier merged maps over later ones.
    void merge(frame &f) {
        for (const auto &m : f.merges) {
            std::vector<const value *> sources;
            if (m.is_object()) sources.push_back(&m);
            else if (m.is_array())
                for (const auto &x : m.items) sources.push_back(&x);
            else sources.push_back(&m);
            for (const value *src : sources) {
                if (!src->is_object())
                    return fail(parse_error("YAML", "'<<' merges mappings only (got " + std::string(src->type_name()) + ")",
                                            src->line, src->column));
                for (const auto &[key, val] : src->fields)
                    if (f.v.find(key) == nullptr) f.v.fields.emplace_back(key, val);
            }
        }
    }

    static result<value> scalar(const YAML::Mark &m, const std::string &tag, const std::string &s) {
        value out = at(value{}, m);
        auto typed = [&](std::string_view t) -> result<value> {
            if (t == "str") {
                out.k = value::kind::string;
                out.s = s;
            } else if (t == "null") {
                if (!is_null_word(s)) return parse_error("YAML", "'" + s + "' is not a null", out.line, out.column);
            } else if (t == "bool") {
                int b = bool_word(s);
                if (b < 0) return parse_error("YAML", "'" + s + "' is not a boolean", out.line, out.column);
                out.k = value::kind::boolean;
                out.b = b == 1;
            } else if (t == "int") {
                if (!int_word(s, out.i)) return parse_error("YAML", "'" + s + "' is not an integer", out.line, out.column);
                out.k = value::kind::integer;
            } else if (t == "float") {
                if (!float_word(s, out.d)) {
                    int64_t i = 0;
                    if (!int_word(s, i)) return parse_error("YAML", "'" + s + "' is not a number", out.line, out.column);
                    out.d = static_cast<double>(i);
                }
                out.k = value::kind::number;
            } else {
                out.k = value::kind::string; // !!binary, !!timestamp, ...: keep the text
                out.s = s;
            }
            return out;
        };
        if (tag.compare(0, tag_core.size(), tag_core) == 0) return typed(std::string_view(tag).substr(tag_core.size()));
        if (tag != "?") return typed("str"); // "!": quoted or block scalar; local tags: text
        // Plain scalar: YAML 1.2 core schema.
        if (is_null_word(s)) return out;
        if (bool_word(s) >= 0) return typed("bool");
        if (int_word(s, out.i)) {
            out.k = value::kind::integer;
            return out;
        }
        if (float_word(s, out.d)) {
            out.k = value::kind::number;
            return out;
        }
        return typed("str");
    }
};

} // namespace

result<value> parse_toml(std::string_view text) {
#if TOML_EXCEPTIONS
    try {
        toml::table tbl = toml::parse(text);
        return from_toml(tbl, 0);
    } catch (const toml::parse_error &e) {
        return parse_error("TOML", std::string(e.description()), static_cast<int>(e.source().begin.line),
                           static_cast<int>(e.source().begin.column));
    }
#else
    toml::parse_result res = toml::parse(text);
    if (!res) {
        const auto &e = res.error();
        return parse_error("TOML", std::string(e.description()), static_cast<int>(e.source().begin.line),
                           static_cast<int>(e.source().begin.column));
    }
    return from_toml(res.table(), 0);
#endif
}

result<value> parse_yaml(std::string_view text) {
    std::istringstream in{std::string(text)};
    yaml_builder b;
    try {
        YAML::Parser parser(in);
        // One document; a second one is an error. Never more than two calls: see yaml_builder.
        if (parser.HandleNextDocument(b) && !b.failed && parser.HandleNextDocument(b) && !b.failed) {
            const value &first = b.docs.front(), &second = b.docs.back();
            if (b.docs.size() == 2 && second.line == first.line && second.column == first.column)
                return parse_error("YAML", "unexpected character", first.line, first.column); // no progress
            return parse_error("YAML", "more than one document ('---'): put every app in one document",
                               second.line, second.column);
        }
    } catch (const YAML::Exception &e) {
        int line = e.mark.is_null() ? 0 : e.mark.line + 1;
        int col = e.mark.is_null() ? 0 : e.mark.column + 1;
        return parse_error("YAML", e.msg, line, col);
    }
    if (b.failed) return std::move(b.err);
    if (b.docs.empty()) return value{};
    return std::move(b.docs.front());
}

} // namespace alter::detail
