// SPDX-License-Identifier: MIT
#include "json_reader.hpp"

#include <cstdlib>

#include "alter/json.hpp"

namespace alter::cli {

namespace {

const std::vector<jvalue> &empty_list() {
    static const std::vector<jvalue> none; // constant-initialised: no start-up cost
    return none;
}

class parser {
public:
    explicit parser(std::string_view t) : t_(t) {}

    bool document(jvalue &out, std::string &err) {
        ws();
        if (!value(out, 0)) {
            err = (msg_ != nullptr ? msg_ : "invalid JSON") + std::string(" at offset ") + std::to_string(p_);
            return false;
        }
        ws();
        if (p_ != t_.size()) {
            err = "trailing characters at offset " + std::to_string(p_);
            return false;
        }
        return true;
    }

private:
    bool fail(const char *m) {
        if (msg_ == nullptr) msg_ = m;
        return false;
    }
    void ws() {
        while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\n' || t_[p_] == '\r' || t_[p_] == '\t')) ++p_;
    }
    bool lit(std::string_view w) {
        if (t_.substr(p_, w.size()) != w) return fail("invalid literal");
        p_ += w.size();
        return true;
    }

    bool value(jvalue &v, int depth) {
        if (depth > 64) return fail("nesting too deep");
        if (p_ >= t_.size()) return fail("unexpected end");
        switch (t_[p_]) {
        case '{': return object(v, depth);
        case '[': return array(v, depth);
        case '"': v.k = jvalue::kind::string; return string(v.s);
        case 't': v.k = jvalue::kind::boolean; v.b = true; return lit("true");
        case 'f': v.k = jvalue::kind::boolean; v.b = false; return lit("false");
        case 'n': v.k = jvalue::kind::null; return lit("null");
        default: return number(v);
        }
    }

    bool object(jvalue &v, int depth) {
        v.k = jvalue::kind::object;
        ++p_;
        ws();
        if (p_ < t_.size() && t_[p_] == '}') return ++p_, true;
        for (;;) {
            ws();
            if (p_ >= t_.size() || t_[p_] != '"') return fail("expected a member name");
            v.members.emplace_back();
            auto &m = v.members.back();
            if (!string(m.first)) return false;
            ws();
            if (p_ >= t_.size() || t_[p_] != ':') return fail("expected ':'");
            ++p_;
            ws();
            if (!value(m.second, depth + 1)) return false;
            ws();
            if (p_ < t_.size() && t_[p_] == ',') { ++p_; continue; }
            if (p_ < t_.size() && t_[p_] == '}') return ++p_, true;
            return fail("expected ',' or '}'");
        }
    }

    bool array(jvalue &v, int depth) {
        v.k = jvalue::kind::array;
        ++p_;
        ws();
        if (p_ < t_.size() && t_[p_] == ']') return ++p_, true;
        for (;;) {
            ws();
            v.items.emplace_back();
            if (!value(v.items.back(), depth + 1)) return false;
            ws();
            if (p_ < t_.size() && t_[p_] == ',') { ++p_; continue; }
            if (p_ < t_.size() && t_[p_] == ']') return ++p_, true;
            return fail("expected ',' or ']'");
        }
    }

    bool number(jvalue &v) {
        size_t start = p_;
        if (p_ < t_.size() && t_[p_] == '-') ++p_;
        auto digit = [&] { return p_ < t_.size() && t_[p_] >= '0' && t_[p_] <= '9'; };
        if (!digit()) return fail("unexpected character");
        while (digit()) ++p_;
        if (p_ < t_.size() && t_[p_] == '.') {
            ++p_;
            if (!digit()) return fail("invalid number");
            while (digit()) ++p_;
        }
        if (p_ < t_.size() && (t_[p_] == 'e' || t_[p_] == 'E')) {
            ++p_;
            if (p_ < t_.size() && (t_[p_] == '+' || t_[p_] == '-')) ++p_;
            if (!digit()) return fail("invalid number");
            while (digit()) ++p_;
        }
        v.k = jvalue::kind::number;
        v.s.assign(t_.substr(start, p_ - start));
        v.n = std::strtod(v.s.c_str(), nullptr);
        return true;
    }

    static void put_utf8(std::string &out, uint32_t cp) {
        if (cp < 0x80) out.push_back(static_cast<char>(cp));
        else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else {
            out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        }
    }

    bool hex4(uint32_t &cp) {
        if (p_ + 4 > t_.size()) return fail("invalid \\u escape");
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            char c = t_[p_++];
            cp <<= 4;
            if (c >= '0' && c <= '9') cp |= static_cast<uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') cp |= static_cast<uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') cp |= static_cast<uint32_t>(c - 'A' + 10);
            else return fail("invalid \\u escape");
        }
        return true;
    }

    bool string(std::string &out) {
        ++p_; // opening quote
        for (;;) {
            size_t run = p_;
            while (p_ < t_.size() && t_[p_] != '"' && t_[p_] != '\\') ++p_;
            out.append(t_.substr(run, p_ - run));
            if (p_ >= t_.size()) return fail("unterminated string");
            if (t_[p_] == '"') return ++p_, true;
            if (++p_ >= t_.size()) return fail("unterminated string");
            char e = t_[p_++];
            switch (e) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '/': out.push_back('/'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            case 't': out.push_back('\t'); break;
            case 'u': {
                uint32_t cp = 0;
                if (!hex4(cp)) return false;
                if (cp >= 0xd800 && cp < 0xdc00 && t_.substr(p_, 2) == "\\u") {
                    p_ += 2;
                    uint32_t lo = 0;
                    if (!hex4(lo)) return false;
                    if (lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    else cp = 0xfffd;
                } else if (cp >= 0xd800 && cp < 0xe000) {
                    cp = 0xfffd;
                }
                put_utf8(out, cp);
                break;
            }
            default: return fail("invalid escape");
            }
        }
    }

    std::string_view t_;
    size_t p_ = 0;
    const char *msg_ = nullptr;
};

} // namespace

const jvalue *jvalue::get(std::string_view key) const noexcept {
    if (k != kind::object) return nullptr;
    for (const auto &m : members)
        if (m.first == key) return &m.second;
    return nullptr;
}

std::string_view jvalue::str(std::string_view key, std::string_view fallback) const noexcept {
    const jvalue *v = get(key);
    return v != nullptr && v->k == kind::string ? std::string_view(v->s) : fallback;
}

int64_t jvalue::num(std::string_view key, int64_t fallback) const noexcept {
    const jvalue *v = get(key);
    return v != nullptr && v->k == kind::number ? static_cast<int64_t>(v->n) : fallback;
}

double jvalue::real(std::string_view key, double fallback) const noexcept {
    const jvalue *v = get(key);
    return v != nullptr && v->k == kind::number ? v->n : fallback;
}

bool jvalue::flag(std::string_view key, bool fallback) const noexcept {
    const jvalue *v = get(key);
    return v != nullptr && v->k == kind::boolean ? v->b : fallback;
}

const std::vector<jvalue> &jvalue::list(std::string_view key) const noexcept {
    const jvalue *v = get(key);
    return v != nullptr && v->k == kind::array ? v->items : empty_list();
}

bool json_parse(std::string_view text, jvalue &out, std::string &err) {
    out = jvalue();
    return parser(text).document(out, err);
}

void json_append(std::string &out, const jvalue &v) {
    switch (v.k) {
    case jvalue::kind::null: out += "null"; break;
    case jvalue::kind::boolean: out += v.b ? "true" : "false"; break;
    case jvalue::kind::number: out += v.s; break;
    case jvalue::kind::string: alter::json::append_quoted(out, v.s); break;
    case jvalue::kind::array:
        out.push_back('[');
        for (size_t i = 0; i < v.items.size(); ++i) {
            if (i > 0) out.push_back(',');
            json_append(out, v.items[i]);
        }
        out.push_back(']');
        break;
    case jvalue::kind::object:
        out.push_back('{');
        for (size_t i = 0; i < v.members.size(); ++i) {
            if (i > 0) out.push_back(',');
            alter::json::append_quoted(out, v.members[i].first);
            out.push_back(':');
            json_append(out, v.members[i].second);
        }
        out.push_back('}');
        break;
    }
}

} // namespace alter::cli
