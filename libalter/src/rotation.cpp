// SPDX-License-Identifier: MIT
#include "rotation.hpp"

#include <algorithm>
#include <charconv>

namespace alter::detail {

// Howard Hinnant's civil-date algorithms (public domain description).
int64_t days_from_civil(civil_date d) {
    int64_t y = d.year - (d.month <= 2 ? 1 : 0);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (d.month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

civil_date civil_from_days(int64_t z) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

std::string format_date(civil_date d) {
    char buf[16];
    auto put = [&](int at, int v, int w) {
        for (int i = w - 1; i >= 0; --i) {
            buf[at + i] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
    };
    put(0, d.year, 4);
    buf[4] = '-';
    put(5, d.month, 2);
    buf[7] = '-';
    put(8, d.day, 2);
    return std::string(buf, 10);
}

std::optional<civil_date> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto num = [&](size_t at, size_t n, int &out) {
        for (size_t i = at; i < at + n; ++i)
            if (s[i] < '0' || s[i] > '9') return false;
        std::from_chars(s.data() + at, s.data() + at + n, out);
        return true;
    };
    civil_date d;
    if (!num(0, 4, d.year) || !num(5, 2, d.month) || !num(8, 2, d.day)) return std::nullopt;
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.year < 1970) return std::nullopt;
    if (civil_from_days(days_from_civil(d)) != d) return std::nullopt; // e.g. 2026-02-30
    return d;
}

std::optional<log_name> parse_log_name(std::string_view base, std::string_view file) {
    if (file.substr(0, base.size()) != base) return std::nullopt;
    std::string_view rest = file.substr(base.size());
    if (rest.empty()) return log_name{};
    if (rest[0] != '.') return std::nullopt;
    rest.remove_prefix(1);
    auto parse_index = [](std::string_view s, uint32_t &out) {
        if (s.empty() || s.size() > 6 || s[0] == '0') return false;
        auto r = std::from_chars(s.data(), s.data() + s.size(), out);
        return r.ec == std::errc() && r.ptr == s.data() + s.size();
    };
    log_name n;
    if (uint32_t idx = 0; parse_index(rest, idx)) {
        n.k = log_name::kind::segment;
        n.index = idx;
        return n;
    }
    auto date = parse_date(rest.substr(0, 10));
    if (!date) return std::nullopt;
    n.k = log_name::kind::archive;
    n.date = *date;
    if (rest.size() == 10) return n;
    if (rest[10] != '.' || !parse_index(rest.substr(11), n.index)) return std::nullopt;
    return n;
}

namespace {
std::string segment_name(std::string_view base, uint32_t i) { return std::string(base) + "." + std::to_string(i); }
std::string archive_name(std::string_view base, civil_date d, uint32_t i) {
    std::string s = std::string(base) + "." + format_date(d);
    if (i > 0) s += "." + std::to_string(i);
    return s;
}
} // namespace

rotation_plan plan_size_rotation(std::string_view base, uint32_t keep, const std::vector<std::string> &files) {
    rotation_plan p;
    std::vector<uint32_t> segs;
    bool has_current = false;
    for (const auto &f : files) {
        auto n = parse_log_name(base, f);
        if (!n) continue;
        if (n->k == log_name::kind::segment) segs.push_back(n->index);
        if (n->k == log_name::kind::current) has_current = true;
    }
    std::sort(segs.begin(), segs.end());
    for (uint32_t i : segs)
        if (i >= keep) p.remove.push_back(segment_name(base, i)); // .keep would become .keep+1
    for (auto it = segs.rbegin(); it != segs.rend(); ++it)
        if (*it < keep) p.rename.push_back({segment_name(base, *it), segment_name(base, *it + 1)});
    if (has_current) {
        if (keep == 0) p.remove.push_back(std::string(base));
        else p.rename.push_back({std::string(base), segment_name(base, 1)});
    }
    return p;
}

rotation_plan plan_day_rotation(std::string_view base, civil_date day, const std::vector<std::string> &files) {
    rotation_plan p;
    std::vector<uint32_t> segs;
    bool has_current = false;
    bool archive_exists = false;
    uint32_t archive_max = 0;
    for (const auto &f : files) {
        auto n = parse_log_name(base, f);
        if (!n) continue;
        if (n->k == log_name::kind::segment) segs.push_back(n->index);
        else if (n->k == log_name::kind::current) has_current = true;
        else if (n->date == day) {
            archive_exists = true;
            archive_max = std::max(archive_max, n->index);
        }
    }
    std::sort(segs.begin(), segs.end());
    // Incoming parts, newest first: current, .1, .2, ...
    uint32_t incoming = static_cast<uint32_t>(segs.size()) + (has_current ? 1 : 0);
    if (incoming == 0) return p;
    // Existing parts of that day are older than the incoming ones: shift them up by `incoming`.
    if (archive_exists) {
        for (uint32_t i = archive_max + 1; i-- > 0;) {
            std::string from = archive_name(base, day, i);
            if (std::find(files.begin(), files.end(), from) == files.end()) continue;
            p.rename.push_back({from, archive_name(base, day, i + incoming)});
        }
    }
    uint32_t next = 0;
    if (has_current) p.rename.push_back({std::string(base), archive_name(base, day, next++)});
    for (uint32_t i : segs) p.rename.push_back({segment_name(base, i), archive_name(base, day, next++)});
    return p;
}

std::vector<std::string> plan_retention(std::string_view base, civil_date today, uint32_t retain_days,
                                        const std::vector<std::string> &files) {
    std::vector<std::string> out;
    if (retain_days == 0) return out;
    int64_t cutoff = days_from_civil(today) - static_cast<int64_t>(retain_days);
    for (const auto &f : files) {
        auto n = parse_log_name(base, f);
        if (n && n->k == log_name::kind::archive && days_from_civil(n->date) < cutoff) out.push_back(f);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> files_of_day(std::string_view base, std::optional<civil_date> day,
                                      const std::vector<std::string> &files) {
    std::vector<std::pair<uint32_t, std::string>> parts; // (order key: higher index = older)
    for (const auto &f : files) {
        auto n = parse_log_name(base, f);
        if (!n) continue;
        if (!day && n->k == log_name::kind::current) parts.emplace_back(0, f);
        else if (!day && n->k == log_name::kind::segment) parts.emplace_back(n->index, f);
        else if (day && n->k == log_name::kind::archive && n->date == *day) parts.emplace_back(n->index, f);
    }
    std::sort(parts.begin(), parts.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (auto &p : parts) out.push_back(std::move(p.second));
    return out;
}

std::vector<civil_date> archived_days(std::string_view base, const std::vector<std::string> &files) {
    std::vector<civil_date> out;
    for (const auto &f : files) {
        auto n = parse_log_name(base, f);
        if (n && n->k == log_name::kind::archive && std::find(out.begin(), out.end(), n->date) == out.end())
            out.push_back(n->date);
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return b < a; });
    return out;
}

} // namespace alter::detail
