// SPDX-License-Identifier: MIT
#include "dotenv.hpp"

#include "alter/alter.h"

namespace alter::detail {

namespace {
bool key_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && ((c >= '0' && c <= '9') || c == '.' || c == '-'));
}
} // namespace

result<std::vector<std::pair<std::string, std::string>>> parse_dotenv(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t i = 0;
    int line = 1;
    auto fail = [&](const std::string &msg) {
        error e(ALTER_EPARSE, "env file line " + std::to_string(line) + ": " + msg);
        e.line = line;
        return e;
    };
    auto skip_blank = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    };
    while (i < text.size()) {
        skip_blank();
        if (i >= text.size()) break;
        if (text[i] == '\n' || text[i] == '\r') {
            if (text[i] == '\n') ++line;
            ++i;
            continue;
        }
        if (text[i] == '#') {
            while (i < text.size() && text[i] != '\n') ++i;
            continue;
        }
        if (text.substr(i, 7) == "export " || text.substr(i, 7) == "export\t") {
            i += 7;
            skip_blank();
        }
        size_t k0 = i;
        while (i < text.size() && key_char(text[i], i == k0)) ++i;
        std::string key(text.substr(k0, i - k0));
        if (key.empty()) return fail("expected KEY=value");
        skip_blank();
        if (i >= text.size() || text[i] != '=') return fail("expected '=' after " + key);
        ++i;
        size_t before_blank = i;
        skip_blank();
        bool spaced = i > before_blank;
        std::string val;
        if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
            char q = text[i++];
            int start_line = line;
            bool closed = false;
            while (i < text.size()) {
                char c = text[i++];
                if (c == q) {
                    closed = true;
                    break;
                }
                if (c == '\n') ++line;
                if (q == '"' && c == '\\' && i < text.size()) {
                    char n = text[i++];
                    switch (n) {
                    case 'n': val.push_back('\n'); break;
                    case 't': val.push_back('\t'); break;
                    case 'r': val.push_back('\r'); break;
                    case '"': val.push_back('"'); break;
                    case '\\': val.push_back('\\'); break;
                    case '$': val.push_back('$'); break;
                    default: val.push_back('\\'); val.push_back(n); break;
                    }
                    continue;
                }
                val.push_back(c);
            }
            if (!closed) {
                line = start_line;
                return fail(std::string("unterminated ") + (q == '"' ? "double" : "single") + " quote");
            }
            skip_blank();
            if (i < text.size() && text[i] == '#')
                while (i < text.size() && text[i] != '\n') ++i;
            if (i < text.size() && text[i] == '\r') ++i;
            if (i < text.size() && text[i] != '\n') return fail("unexpected text after the closing quote");
        } else if (spaced && i < text.size() && text[i] == '#') {
            while (i < text.size() && text[i] != '\n') ++i; // "KEY= # comment": an empty value
        } else {
            size_t v0 = i;
            while (i < text.size() && text[i] != '\n') {
                if (text[i] == '#' && i > v0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) break;
                ++i;
            }
            std::string_view v = text.substr(v0, i - v0);
            while (i < text.size() && text[i] != '\n') ++i; // a comment
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
            val.assign(v);
        }
        if (val.find('\0') != std::string::npos) return fail("NUL byte in the value of " + key);
        out.emplace_back(std::move(key), std::move(val));
    }
    return out;
}

} // namespace alter::detail
