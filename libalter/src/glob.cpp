// SPDX-License-Identifier: MIT
#include "glob.hpp"

namespace alter::detail {

namespace {

// Match a character class at p (just after '['); advances p past ']'. Returns -1 if malformed.
int match_class(std::string_view pat, size_t &p, char c) {
    size_t i = p;
    bool negate = false;
    if (i < pat.size() && (pat[i] == '!' || pat[i] == '^')) {
        negate = true;
        ++i;
    }
    bool matched = false;
    bool first = true;
    while (i < pat.size() && (pat[i] != ']' || first)) {
        first = false;
        char lo = pat[i];
        if (i + 2 < pat.size() && pat[i + 1] == '-' && pat[i + 2] != ']') {
            char hi = pat[i + 2];
            if (c >= lo && c <= hi) matched = true;
            i += 3;
        } else {
            if (c == lo) matched = true;
            ++i;
        }
    }
    if (i >= pat.size()) return -1;
    p = i + 1;
    return matched != negate ? 1 : 0;
}

bool match(std::string_view pat, std::string_view s) {
    size_t p = 0, t = 0;
    // Backtracking points for '*' (within a segment) and '**' (across segments).
    size_t star_p = std::string_view::npos, star_t = 0;
    size_t dstar_p = std::string_view::npos, dstar_t = 0;
    bool dstar_segments = false; // "**/": retry only at the start of a path segment
    while (t < s.size()) {
        if (p < pat.size()) {
            char pc = pat[p];
            if (pc == '*') {
                if (p + 1 < pat.size() && pat[p + 1] == '*') {
                    // '**': also swallow a following '/', so "a/**/b" matches "a/b".
                    p += 2;
                    dstar_segments = p < pat.size() && pat[p] == '/';
                    if (dstar_segments) ++p;
                    dstar_p = p;
                    dstar_t = t;
                    star_p = std::string_view::npos;
                    continue;
                }
                star_p = ++p;
                star_t = t;
                continue;
            }
            if (pc == '?' && s[t] != '/') {
                ++p;
                ++t;
                continue;
            }
            if (pc == '[' && s[t] != '/') {
                size_t q = p + 1;
                int r = match_class(pat, q, s[t]);
                if (r == 1) {
                    p = q;
                    ++t;
                    continue;
                }
                if (r == -1 && s[t] == '[') { // a lone '[' is literal
                    ++p;
                    ++t;
                    continue;
                }
            } else if (pc == '\\' && p + 1 < pat.size() && pat[p + 1] == s[t]) {
                p += 2;
                ++t;
                continue;
            } else if (pc == s[t] && pc != '?' && pc != '[') {
                ++p;
                ++t;
                continue;
            }
        }
        // Mismatch: backtrack to the last '*' (not across '/'), then to the last '**'.
        if (star_p != std::string_view::npos && s[star_t] != '/') {
            p = star_p;
            t = ++star_t;
            continue;
        }
        if (dstar_p != std::string_view::npos) {
            if (dstar_segments) {
                size_t slash = s.find('/', dstar_t);
                if (slash == std::string_view::npos) return false;
                dstar_t = slash + 1;
            } else {
                ++dstar_t;
            }
            p = dstar_p;
            t = dstar_t;
            star_p = std::string_view::npos;
            continue;
        }
        return false;
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view text) { return match(pattern, text); }

bool glob_path_match(std::string_view pattern, std::string_view rel, bool is_dir) {
    bool dir_only = !pattern.empty() && pattern.back() == '/';
    if (dir_only) pattern.remove_suffix(1);
    // "./x" and "/x" are anchored at the root even without another '/'.
    bool anchored = false;
    while (pattern.substr(0, 2) == "./") {
        pattern.remove_prefix(2);
        anchored = true;
    }
    if (!pattern.empty() && pattern.front() == '/') {
        pattern.remove_prefix(1);
        anchored = true;
    }
    if (pattern.empty()) return false;
    if (!anchored && pattern.find('/') == std::string_view::npos) {
        // Any component; for a directory-only pattern, a component that is a directory: every
        // component but the last, or the last when it is a directory.
        size_t start = 0;
        while (start <= rel.size()) {
            size_t end = rel.find('/', start);
            bool last = end == std::string_view::npos;
            if (last) end = rel.size();
            std::string_view comp = rel.substr(start, end - start);
            if (!comp.empty() && (!dir_only || !last || is_dir) && match(pattern, comp)) return true;
            if (last) break;
            start = end + 1;
        }
        return false;
    }
    if (dir_only && !is_dir) {
        // "build/": everything under build/ matches, the file "build" does not.
        for (size_t i = 0; i < rel.size(); ++i)
            if (rel[i] == '/' && match(pattern, rel.substr(0, i))) return true;
        return false;
    }
    if (match(pattern, rel)) return true;
    // A directory pattern also covers what is inside it.
    for (size_t i = 0; i < rel.size(); ++i)
        if (rel[i] == '/' && match(pattern, rel.substr(0, i))) return true;
    return false;
}

} // namespace alter::detail
